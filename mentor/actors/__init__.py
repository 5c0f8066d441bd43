"""Session actors: the sans-IO session core, its trio shell, the supervisor, subscribers and streams.

Data flow: a route builds a message -> ``SessionSupervisor.ask`` -> the actor's inbox -> ``SessionCore`` ->
group commit -> publish to ``Subscriber`` queues -> ``streams.subscribe`` relays them to the client.
"""

from mentor.actors.messages import CaptionInput, Reply
from mentor.actors.session_actor import SessionActor
from mentor.actors.session_core import SessionCore
from mentor.actors.subscribers import Subscriber, Subscription
from mentor.actors.supervisor import SessionSupervisor

__all__ = ["CaptionInput", "Reply", "SessionActor", "SessionCore", "SessionSupervisor", "Subscriber",
           "Subscription"]
