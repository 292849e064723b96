"""Acronyms are spelled out at their first use on a page, once; table captions keep their space."""

from __future__ import annotations

from ceeatlas.acronyms import space_after_caption_prefix, spell_out_first_use

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


def test_a_possessive_goes_with_the_spelled_out_name():
    for apostrophe in ("'", "&#39;", "\u2019"):
        out = spell_out_first_use(f"<p>{CBP}{apostrophe}s committee and {CBP}{apostrophe}s staff.</p>")
        assert out == (
            f"<p>U.S. Customs and Border Protection{apostrophe}s ({CBP}) committee and {CBP}{apostrophe}s staff.</p>"
        )


def test_the_article_follows_the_spelled_out_name():
    hts = '<abbr title="Harmonized Tariff Schedule">HTS</abbr>'
    eapa = '<abbr title="Enforce and Protect Act">EAPA</abbr>'
    out = spell_out_first_use(f"<p>Paste an {hts} number; an {eapa} case.</p>")
    assert (
        out
        == f"<p>Paste a Harmonized Tariff Schedule ({hts}) number; an Enforce and Protect Act ({eapa}) case.</p>"
    )


def test_a_caption_that_starts_with_an_acronym_keeps_its_space():
    page = f'<p><span class="caption-prefix">Table 2.</span>{CBP} programs</p>'
    assert (
        space_after_caption_prefix(page)
        == f'<p><span class="caption-prefix">Table 2.</span> {CBP} programs</p>'
    )
    plain = '<p><span class="caption-prefix">Table 1.</span> Key facts</p>'
    assert space_after_caption_prefix(plain) == plain
