"""The practice's secrets policy: how the coach treats what one partner tells them privately.

Each partner accepts the current version before their private thread opens. A new wording
is a new version (the old ones are kept, so "you accepted version 2 on 3 March" can show
what version 2 said), and each partner accepts again before writing privately."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coachpro.domain.explained import Explained
from coachpro.domain.text import multi_line
from coachpro.extensions import db
from coachpro.marks import N_
from coachpro.models import Partner, PolicyAcceptance, SecretsPolicy, User
from coachpro.services.unit_of_work import transactional

MAX_POLICY_CHARS = 4000

# Starting points the coach can take and change; CoachPro's own words.
PRESETS = {
    "no-secrets": N_(
        "I work with the two of you as a couple. What either of you tells me privately, by "
        "message or in a call, I may bring into our joint sessions. Please only tell me "
        "privately what you would be willing, with my help, to share with your partner."
    ),
    "limited-secrets": N_(
        "I keep what you tell me privately between the two of us, with one exception: if it "
        "affects your partner's safety or health, I will ask you to share it, and help you do "
        "so. If something you tell me makes it hard for me to work with you both fairly, I "
        "will say so and we will decide together what happens next."
    ),
}


class PolicyError(Explained):
    pass


def current_policy() -> SecretsPolicy | None:
    return db.session.scalar(select(SecretsPolicy).order_by(SecretsPolicy.id.desc()).limit(1))


@transactional()
def save_policy(body: str, by: User, now: datetime) -> SecretsPolicy:
    """The practice's new wording, as a new version; the same wording again changes nothing."""
    text = multi_line(body).strip()
    if not text:
        raise PolicyError(N_("Write your policy, or start from one of the suggestions."))
    if len(text) > MAX_POLICY_CHARS:
        raise PolicyError(N_("Keep the policy under %(n)s characters."), n=MAX_POLICY_CHARS)
    current = current_policy()
    if current is not None and current.body == text:
        return current
    policy = SecretsPolicy(body=text, created_at=now, created_by=by.id)
    db.session.add(policy)
    db.session.flush()
    return policy


@dataclass(frozen=True)
class Standing:
    """Where one partner stands with the policy."""

    current: SecretsPolicy | None
    accepted: PolicyAcceptance | None  # of the current version
    accepted_policy: SecretsPolicy | None  # the latest version they accepted, if any

    @property
    def open(self) -> bool:
        return self.accepted is not None


def standing(partner_id: int) -> Standing:
    current = current_policy()
    latest = db.session.scalar(
        select(PolicyAcceptance)
        .where(PolicyAcceptance.partner_id == partner_id)
        .order_by(PolicyAcceptance.policy_id.desc())
        .limit(1)
    )
    accepted = latest if current is not None and latest and latest.policy_id == current.id else None
    policy = db.session.get(SecretsPolicy, latest.policy_id) if latest else None
    return Standing(current, accepted, policy)


@transactional(retry=True)
def accept_policy(partner: Partner, version: int, now: datetime) -> PolicyAcceptance:
    """Record that `partner` accepted `version`, which must be the current one (a page left
    open while the coach changed the wording cannot accept words the partner never saw)."""
    current = current_policy()
    if current is None or current.id != version:
        raise PolicyError(N_("Your coach has just changed the policy. Please read it again."))
    found = db.session.get(PolicyAcceptance, (partner.id, version))
    if found is not None:
        return found
    acceptance = PolicyAcceptance(partner_id=partner.id, policy_id=version, accepted_at=now)
    db.session.add(acceptance)
    return acceptance
