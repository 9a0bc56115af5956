"""What a visitor sees: the landing page, the booking placeholder, health."""

from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Package
from tests.conftest import make_app


def test_landing_page_presents_the_three_packages(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    for name, price, sessions in [
        ("New Sparks", "$1,200", "6 × 60 min"),
        ("Old Flames", "$1,800", "8 × 75 min"),
        ("Glow Embers", "$1,500", "8 × 60 min"),
    ]:
        assert name in html and price in html and sessions in html
    assert html.index("New Sparks") < html.index("Old Flames") < html.index("Glow Embers")
    assert 'href="/book"' in html and "Book a free consult" in html


def test_landing_page_follows_the_coachs_edits(app, client):
    with app.app_context():
        package = db.session.scalar(select(Package).where(Package.slug == "old-flames"))
        package.price_cents = 210050
        package.currency = "EUR"
        db.session.scalar(select(Package).where(Package.slug == "glow-embers")).active = False
        db.session.commit()
    html = client.get("/").text
    assert "€2,100.50" in html
    assert "Glow Embers" not in html


def test_health_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    broken = make_app(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite3")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
