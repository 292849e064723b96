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
