"""Session actors and their supervisor."""

from mentor.actors.messages import CaptionInput, Reply
from mentor.actors.session_actor import SessionActor
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.actors.supervisor import SessionSupervisor

__all__ = ["CaptionInput", "Reply", "SessionActor", "SessionSupervisor", "Subscriber", "Subscription"]
