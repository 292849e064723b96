"""Acronyms are spelled out at their first use on a page, once."""

from __future__ import annotations

from ceeatlas.acronyms import spell_out_first_use

CBP = '<abbr title="U.S. Customs and Border Protection">CBP</abbr>'


def test_first_use_is_spelled_out_once():
    html = f"<h1>About {CBP}</h1><p>{CBP} assigns.</p><p>{CBP} again.</p>"
    out = spell_out_first_use(html)
    assert out.count("U.S. Customs and Border Protection (") == 1
    assert out.startswith(f"<h1>About {CBP}</h1><p>U.S. Customs and Border Protection ({CBP}) assigns.")


def test_existing_expansion_is_not_doubled():
    html = f"<p>U.S. Customs and Border Protection ({CBP}) and {CBP}.</p>"
    assert spell_out_first_use(html) == html


def test_links_and_code_are_left_alone():
    html = f'<p><a href="x">{CBP}</a> <code>CBP</code></p><p>{CBP}</p>'
    out = spell_out_first_use(html)
    assert f'<a href="x">{CBP}</a>' in out and out.endswith(
        f"<p>U.S. Customs and Border Protection ({CBP})</p>"
    )


def test_citations_keep_their_short_form():
    fr = '<abbr title="Federal Register">FR</abbr>'
    html = f"<p>See 79 {fr} 34334.</p><p>The {fr} publishes notices.</p>"
    out = spell_out_first_use(html)
    assert f"See 79 {fr} 34334." in out
    assert f"The Federal Register ({fr}) publishes" in out


def test_an_acronym_already_in_brackets_is_not_bracketed_again():
    ace = '<abbr title="Automated Commercial Environment">ACE</abbr>'
    out = spell_out_first_use(f"<p>Center number ({ace})</p><p>{ace} again.</p>")
    assert out == f"<p>Center number (Automated Commercial Environment, {ace})</p><p>{ace} again.</p>"


def test_an_acronym_inside_a_name_is_spelled_out_with_the_name():
    safe = '<abbr title="Security and Accountability for Every Port Act">SAFE</abbr>'
    out = spell_out_first_use(f"<p>The {safe} Port Act of 2006 put CTPAT into law.</p>")
    assert out == (
        f"<p>The Security and Accountability for Every Port Act ({safe} Port Act) of 2006 put CTPAT into law.</p>"
    )
