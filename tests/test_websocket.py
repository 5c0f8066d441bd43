"""The WebSocket over real sockets with trio-websocket: events, commands with acks, errors that keep the
connection up, and refusal before the upgrade."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import ConnectionClosed, ConnectionRejected, WebSocketConnection, open_websocket_url

from mentor.http.ws_fast_path import connection_lost
from tests.conftest import Server, User, make_settings, register, running_server


def ws_url(server: Server, sid: str, token: str, **params: str) -> str:
    query = "&".join([f"token={token}"] + [f"{k}={v}" for k, v in params.items()])
    return server.url.replace("http://", "ws://") + f"/sessions/{sid}/ws?{query}"


async def next_of(ws: WebSocketConnection, type_: str) -> dict[str, Any]:
    while True:
        msg = json.loads(await ws.get_message())
        if msg["type"] == type_:
            return dict(msg)


async def request(ws: WebSocketConnection, msg: dict[str, Any]) -> dict[str, Any]:
    """Send a command and return its ack or error (events in between are skipped)."""
    await ws.send_message(json.dumps(msg))
    while True:
        reply = json.loads(await ws.get_message())
        if reply["type"] in {"ack", "error", "pong"} and reply.get("id") == msg.get("id"):
            return dict(reply)


async def test_events_and_commands(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token)) as ws:
            first = await next_of(ws, "event")
            assert (first["id"], first["event"]) == (1, "session_created")
            caption = {"speaker_role": "interviewer", "text": "Walk me through your last project",
                       "block_id": "w1", "revision": 1, "final": False}
            ack = await request(ws, {"id": "c1", "type": "caption", "caption": caption})
            assert ack["type"] == "ack" and ack["result"][0]["status"] == "created"
            again = await request(ws, {"id": "c2", "type": "caption", "caption": caption})
            assert again["result"][0]["status"] == "duplicate"
            ack = await request(ws, {"id": 3, "type": "captions", "captions": [
                {**caption, "revision": 2, "text": "Walk me through your last project.", "final": True}]})
            assert ack["result"][0]["status"] == "updated"
            assert (await request(ws, {"id": "p", "type": "ping"}))["type"] == "pong"
            assert (await request(ws, {"id": "pause", "type": "pause"}))["result"] == {"auto_answer": False}
            assert (await request(ws, {"id": "resume", "type": "resume"}))["result"] == {"auto_answer": True}
            asked = await request(ws, {"id": "ask", "type": "ask", "text": "Why Go?"})
            assert asked["type"] == "ack" and asked["result"]["question_id"]
            ended = await request(ws, {"id": "end", "type": "end"})
            assert ended["result"]["status"] == "ended"
        # everything arrived as events too, in order; a new connection replays them all and closes
        async with open_websocket_url(ws_url(server, sid, user.token)) as ws:
            events = []
            while True:
                msg = json.loads(await ws.get_message())
                events.append((msg["id"], msg["event"]))
                if msg["event"] == "session_ended":
                    break
    names = [e for _, e in events]
    assert names[:3] == ["session_created", "new_caption", "caption_updated"]
    assert "answers_paused" in names and "answers_resumed" in names and "question_detected" in names
    assert [i for i, _ in events] == list(range(1, len(events) + 1))


async def test_malformed_messages_get_errors_and_the_connection_stays_up(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token)) as ws:
            await ws.send_message("{not json")
            err = await next_of(ws, "error")
            assert err["code"] == "invalid_json" and err["id"] is None
            await ws.send_message(json.dumps([1, 2]))
            assert (await next_of(ws, "error"))["code"] == "invalid_message"
            await ws.send_message(json.dumps({"type": "ping"}))
            assert (await next_of(ws, "error"))["code"] == "missing_id"
            cases = [
                ({"id": "u", "type": "dance"}, "unknown_type"),
                ({"id": "c", "type": "caption", "caption": {"speaker_role": "alien", "text": "x"}}, "invalid_caption"),
                ({"id": "c", "type": "caption"}, "invalid_body"),
                ({"id": "a", "type": "ask", "text": ""}, "invalid_message"),
                ({"id": "a", "type": "ask", "text": 42}, "invalid_message"),
                ({"id": "b", "type": "caption", "caption": {"speaker_role": "interviewer", "text": "bell\x07"}},
                 "invalid_caption"),
            ]
            for msg, code in cases:
                reply = await request(ws, msg)
                assert (reply["type"], reply["code"]) == ("error", code), msg
            assert (await request(ws, {"id": "still", "type": "ping"}))["type"] == "pong"
    r = await user.request("GET", f"/sessions/{sid}/captions")
    assert r.json()["captions"] == []


@pytest.mark.parametrize("token", ["", "garbage", "other-user"])
async def test_handshake_is_refused_without_a_valid_token(server: Server, user: User, token: str) -> None:
    sid = (await user.create_session())["id"]
    if token == "other-user":
        r = await user.client.post("/auth/register", json={"email": "eve@example.com", "password": "password123"})
        token = r.json()["access_token"]
    with trio.fail_after(10), pytest.raises(ConnectionRejected) as rejected:
        async with open_websocket_url(ws_url(server, sid, token)):
            pass
    assert rejected.value.status_code == (404 if token.startswith("ey") else 401)


async def test_last_event_id_resumes_over_websocket(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    await user.captions(sid, [{"speaker_role": "interviewer", "text": f"q{i}"} for i in range(5)])
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token, last_event_id="4")) as ws:
            got = [(await next_of(ws, "event"))["id"] for _ in range(2)]
    assert got == [5, 6]


async def test_a_producer_only_socket_gets_acks_but_no_events(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token, events="false")) as ws:
            # With events, session_created and new_caption would come first; here only the replies do.
            await ws.send_message(json.dumps({"id": "c", "type": "caption",
                                              "caption": {"speaker_role": "candidate", "text": "Hello there"}}))
            assert json.loads(await ws.get_message())["type"] == "ack"
            await ws.send_message(json.dumps({"id": "p", "type": "ping"}))
            assert json.loads(await ws.get_message()) == {"type": "pong", "id": "p"}


async def test_a_producer_only_socket_gets_heartbeats(database_url: str) -> None:
    """The server sends no protocol pings; the heartbeat event keeps a quiet producer's socket alive."""
    async with running_server(make_settings(database_url, heartbeat_s=0.2)) as srv, \
            httpx.AsyncClient(base_url=srv.url) as c:
        user = await register(c)
        sid = (await user.create_session())["id"]
        with trio.fail_after(10):
            async with open_websocket_url(ws_url(srv, sid, user.token, events="false")) as ws:
                for _ in range(2):
                    beat = json.loads(await ws.get_message())
                    assert (beat["type"], beat["id"], beat["event"]) == ("event", None, "heartbeat")
                    assert isinstance(beat["data"]["t"], float)


async def test_a_closed_socket_does_not_hold_the_server(database_url: str) -> None:
    """A closed WebSocket's connection ends with it: hypercorn's protocol pings held it (and so a graceful
    shutdown) for up to a ping interval after the close."""
    settings = make_settings(database_url, heartbeat_s=3600.0, graceful_timeout_s=60.0)
    with trio.fail_after(10):
        async with running_server(settings) as srv, httpx.AsyncClient(base_url=srv.url) as c:
            user = await register(c)
            sid = (await user.create_session())["id"]
            for events in ("true", "false"):
                async with open_websocket_url(ws_url(srv, sid, user.token, events=events)) as ws:
                    await ws.send_message(json.dumps({"id": "p", "type": "ping"}))
                    assert (await next_of(ws, "pong"))["id"] == "p"


async def test_an_oversized_message_closes_the_socket_with_1009(server: Server, user: User) -> None:
    sid = (await user.create_session())["id"]
    with trio.fail_after(10):
        async with open_websocket_url(ws_url(server, sid, user.token)) as ws:
            await ws.send_message("x" * (server.settings.ws_max_message_bytes + 1))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await ws.get_message()
    assert closed.value.reason.code == 1009


def test_a_client_that_stopped_reading_is_not_logged_as_a_server_error() -> None:
    """send_loop raises BrokenResourceError for a client that stops reading; the socket's nursery wraps it in
    an exception group, which was logged with a traceback as an unhandled error."""
    lost = trio.BrokenResourceError("client stopped reading")
    assert connection_lost(lost) and connection_lost(ExceptionGroup("socket", [lost]))
    assert connection_lost(ExceptionGroup("socket", [ExceptionGroup("inner", [trio.ClosedResourceError()])]))
    assert not connection_lost(ExceptionGroup("socket", [lost, KeyError("bug")]))
    assert not connection_lost(RuntimeError("bug"))
