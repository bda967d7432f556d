"""The self-check questions (book/self_check.md): every question has options and one answer."""

import re

from _book import ROOT, toc_pages

PAGE = ROOT / "book" / "self_check.md"


def _questions():
    text = PAGE.read_text()
    return re.split(r"^\*\*\d+\.\*\* ", text, flags=re.M)[1:]


def test_page_is_in_the_table_of_contents():
    assert "book/self_check" in toc_pages()


def test_every_chapter_has_questions():
    sections = re.findall(r"^## (.+)$", PAGE.read_text(), flags=re.M)
    assert len(sections) >= 8
    for block in re.split(r"^## .+$", PAGE.read_text(), flags=re.M)[1:]:
        assert len(re.findall(r"^\*\*\d+\.\*\* ", block, flags=re.M)) >= 2


def test_every_question_has_options_and_one_answer_among_them():
    questions = _questions()
    assert len(questions) >= 16
    for question in questions:
        options = re.findall(r"^- \(([a-e])\) ", question, flags=re.M)
        assert len(options) >= 3 and options == sorted(options), question[:60]
        answers = re.findall(r"```\{dropdown\} Answer\n\*\*\(([a-e])\)\.\*\*", question)
        assert len(answers) == 1 and answers[0] in options, question[:60]
        assert question.count("```{dropdown}") == 1


def test_no_number_in_an_answer_that_a_chapter_computed():
    # Answers may only state what the reader can work out; a chapter's results
    # would have to be glued from the chapter, and none is quoted here.
    answers = re.findall(r"```\{dropdown\} Answer\n(.*?)```", PAGE.read_text(), flags=re.S)
    for answer in answers:
        assert not re.search(r"\d+\.\d+|\d+ ?%", answer.replace("0.5", "")), answer
