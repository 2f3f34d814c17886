"""Saved campaigns (engine.store schema v4) on SQLite and PostgreSQL: the definition and the
groups come back as saved, only keyed hashes are accepted as groups, nothing personal is kept,
and a campaign opens by its access code."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.auth import new_access_code
from engine.campaigns import Campaign
from engine.errors import KarteError
from engine.store import Store
from tests.campaign_helpers import synthetic_campaign


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Store:
    url = (f"sqlite:///{tmp_path / 'karte.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    s = Store(url)
    yield s
    s.close()


def _campaign(seed: int = 0, client: str = "山田商店") -> dict:
    campaign, _ = synthetic_campaign(300, seed=seed, campaign_id=f"store-{seed}")
    return {**campaign.to_json(), "client": client}


def test_a_campaign_comes_back_as_saved(store: Store) -> None:
    saved = _campaign()
    code = new_access_code()
    row = store.save_campaign(saved, access_code=code)
    got = store.get_campaign(row)
    assert Campaign.from_json(got) == Campaign.from_json(saved)
    assert store.find_campaign_by_code(code) == row
    assert store.find_campaign_by_code("not-the-code") is None
    listed = store.list_campaigns("山田商店")
    assert [c["row_id"] for c in listed] == [row] and "mailed" not in listed[0]
    assert store.list_campaigns(ids=[row])[0]["id"] == "store-0"
    assert store.list_campaigns("他の店") == []
    with pytest.raises(KarteError) as exc:
        store.save_campaign(saved)
    assert exc.value.key == "campaign.error.exists"
    assert store.delete_campaign(row) and store.list_campaigns() == []


def test_groups_that_are_not_keyed_hashes_are_refused(store: Store) -> None:
    record = _campaign(1)
    record["mailed"] = list(record["mailed"][:-1]) + ["hanako@example.jp"]
    with pytest.raises(KarteError) as exc:
        store.save_campaign(record)
    assert exc.value.key == "campaign.error.not_hashed"
    assert store.list_campaigns() == []


def test_personal_data_in_the_definition_is_refused(store: Store) -> None:
    record = _campaign(2)
    record["label_ja"] = "山田花子 hanako@example.jp 090-1234-5678"
    with pytest.raises(KarteError) as exc:
        store.save_campaign(record)
    assert exc.value.key == "history.error.personal_data"
    with store.engine.begin() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM campaigns")).scalar() == 0
