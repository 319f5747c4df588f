from .applications import MembershipApplication, MembershipType
from .interest import InterestRegistration
from .outbox import QueuedEmail
from .pages import JoinPage

__all__ = [
    "InterestRegistration",
    "JoinPage",
    "MembershipApplication",
    "MembershipType",
    "QueuedEmail",
]
