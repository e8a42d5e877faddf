"""/batches: one re-solve job per independent group of events, reported per event and in total."""

from __future__ import annotations

from tests.service.api.conftest import ApiWorld
from tests.service.usecases.test_batches import three_events


def test_a_batch_is_one_job_per_group(world: ApiWorld) -> None:
    response = world.client.post(
        "/api/v1/batches",
        headers=world.headers(),
        json={"instance": three_events(), "time_limit": 10, "name": "storm"},
    )
    assert response.status_code == 202, response.text
    batch = response.json()
    assert [g["events"] for g in batch["groups"]] == [["EV1", "EV2"], ["EV3"]]
    assert {g["state"] for g in batch["groups"]} == {"queued"} and batch["total"]["changes"] is None
    for group in batch["groups"]:  # what a worker does with each job
        world.run(group["job"])
    done = world.client.get(response.headers["Location"], headers=world.headers()).json()
    assert done["finished"] and done["total"] == {"changes": 2, "filled": 4, "required": 4, "proven": True}
    assert done["events"] == {
        ev: {"group": g, "state": "succeeded", "status": "optimal"}
        for ev, g in (("EV1", 0), ("EV2", 0), ("EV3", 1))
    }
    job = world.client.get(f"/api/v1/solve-jobs/{done['groups'][1]['job']}", headers=world.headers()).json()
    assert [t["name"] for t in job["statistics"]["tiers"]] == ["coverage", "changes", "seniority"]
    assert job["parameters"]["resolve"] == {"freeze": False, "max_changes": None}
    assert (
        world.client.get(response.headers["Location"], headers=world.headers(agency="other")).status_code
        == 404
    )
    viewer = world.client.post(
        "/api/v1/batches", headers=world.headers("viewer"), json={"instance": three_events()}
    )
    assert viewer.status_code == 403
