from .applications import MembershipApplication, MembershipType
from .outbox import QueuedEmail
from .pages import JoinPage

__all__ = ["JoinPage", "MembershipApplication", "MembershipType", "QueuedEmail"]
