from coachpro.domain.rich_text import plain_steps, render_rich_text


def test_paragraphs_lists_and_emphasis():
    html = render_rich_text("Sit *together*.\nBreathe.\n\n- one\n- **two**\n\n1. first\n2. second")
    assert html == (
        "<p>Sit <em>together</em>.<br>Breathe.</p>\n"
        "<ul><li>one</li><li><strong>two</strong></li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>"
    )


def test_markup_typed_by_anyone_is_escaped():
    html = render_rich_text('<script>alert(1)</script> and <a href="x">link</a>')
    assert "<script>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html


def test_list_items_become_checklist_steps():
    assert plain_steps("Intro\n\n1. Share **one** intention\n2. Listen") == [
        "Share one intention",
        "Listen",
    ]


def test_quotes_are_escaped_too_so_text_can_never_close_an_attribute():
    from coachpro.domain.rich_text import render_rich_text

    html = render_rich_text('Say "yes" and it\'s done')
    assert "&quot;yes&quot;" in html and "&#x27;" in html and '"yes"' not in html
