from __future__ import annotations

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.peers import Fetched, Peers, call, fetch_async, parse
from runnerly_dashboard.races.schemas import RaceCreate, RaceList, RaceRead


async def list_races(
    peers: Peers, caller: Caller, limit: int, cursor: str | None, if_none_match: str | None
) -> Fetched[RaceList]:
    params: dict[str, str | int] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    return await fetch_async(peers.dataservice_async, "/races", RaceList,
                             token=caller.access_token, if_none_match=if_none_match,
                             params=params)


def create_race(peers: Peers, caller: Caller, race: RaceCreate) -> RaceRead:
    response = call(peers.dataservice, "POST", "/races", token=caller.access_token,
                    json=race.model_dump(mode="json", exclude_unset=True))
    return parse(response, RaceRead, "dataservice")


async def get_race(peers: Peers, caller: Caller, race_id: int, if_none_match: str | None
                   ) -> Fetched[RaceRead]:
    return await fetch_async(peers.dataservice_async, f"/races/{race_id}", RaceRead,
                             token=caller.access_token, if_none_match=if_none_match)


def enter_race(peers: Peers, caller: Caller, race_id: int) -> RaceRead:
    response = call(peers.dataservice, "PUT", f"/races/{race_id}/entry",
                    token=caller.access_token)
    return parse(response, RaceRead, "dataservice")


def withdraw_from_race(peers: Peers, caller: Caller, race_id: int) -> RaceRead:
    response = call(peers.dataservice, "DELETE", f"/races/{race_id}/entry",
                    token=caller.access_token)
    return parse(response, RaceRead, "dataservice")


def delete_race(peers: Peers, caller: Caller, race_id: int) -> None:
    call(peers.dataservice, "DELETE", f"/races/{race_id}", token=caller.access_token)
