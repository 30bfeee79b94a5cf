#!/usr/bin/python3
"""Drives the homeserver that synapse_peer.py started, as its users, for CaseWatch's tests.

    synapse_client.py STATE new-room         a room the reader creates, the bot invited and joined;
                                             prints {"room_id": …}
    synapse_client.py STATE messages ROOM    the room's m.room.message events as the reader reads them (GET
                                             /rooms/{room}/messages, newest last); prints a JSON array
    synapse_client.py STATE kick ROOM        the reader kicks the bot out of ROOM

STATE is the state.json the peer wrote. Needs only the standard library.
"""

import json
import sys
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from synapse_peer import request  # noqa: E402


def room_path(state, room, rest):
    return f"{state['base_url']}/_matrix/client/v3/rooms/{urllib.parse.quote(room, safe='')}/{rest}"


def check(status, answer, what):
    if status != 200:
        print(f"{what}: HTTP {status} {answer}", file=sys.stderr)
        sys.exit(1)
    return answer


def main():
    state = json.load(open(sys.argv[1]))
    command = sys.argv[2]
    bot, reader = state["bot"], state["reader"]
    if command == "new-room":
        # The reader's room, as a team's room is: the bot is invited and joins, and the reader may kick it.
        # Room version 11: from version 12 on, a room's creator cannot be kicked, which would narrow what tests do.
        answer = check(*request("POST", f"{state['base_url']}/_matrix/client/v3/createRoom", {
            "preset": "private_chat", "name": "CaseWatch alerts", "invite": [bot["user_id"]], "room_version": "11",
        }, token=reader["access_token"]), "createRoom")
        room = answer["room_id"]
        check(*request("POST", f"{state['base_url']}/_matrix/client/v3/join/{urllib.parse.quote(room, safe='')}",
                       {}, token=bot["access_token"]), "join")
        print(json.dumps({"room_id": room}))
    elif command == "messages":
        answer = check(*request("GET", room_path(state, sys.argv[3], "messages?dir=b&limit=100"),
                                token=reader["access_token"]), "messages")
        events = [event for event in answer.get("chunk", []) if event.get("type") == "m.room.message"]
        print(json.dumps(list(reversed(events))))
    elif command == "kick":
        check(*request("POST", room_path(state, sys.argv[3], "kick"),
                       {"user_id": bot["user_id"], "reason": "test"}, token=reader["access_token"]), "kick")
        print("{}")
    else:
        print(f"unknown command {command}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
