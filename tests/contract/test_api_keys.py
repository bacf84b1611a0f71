"""API keys in the store: only hashes kept, found by their text, revocable, listed
without secrets."""

from __future__ import annotations

import pytest

from stepscope.errors import InvalidInput, NotFound
from stepscope.store.api_keys import TOKEN, hash_token
from stepscope.store.base import Store

from .conftest import Backend


def test_a_key_is_found_by_its_text_and_only_its_hash_is_stored(backend: Backend) -> None:
    store = backend.open()
    key, token = store.create_api_key("team", "write", name="ci")
    assert TOKEN.fullmatch(token) and key.id in token
    assert (key.project, key.scope, key.name, key.revoked_at) == ("team", "write", "ci", None)
    assert store.find_api_key(token) == key
    assert backend.open().find_api_key(token) == key  # another replica sees it
    assert store.find_api_key(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.find_api_key("not a key") is None
    assert store.find_api_key("") is None
    (listed,) = store.list_api_keys()
    assert listed == key and token not in repr(listed.to_dict())
    # What the database holds: the hash, never the key.
    dump = repr(_all_rows(store))
    assert token not in dump and hash_token(token) in dump


def _all_rows(store: Store) -> list[object]:
    with store._reading() as cur:  # type: ignore[attr-defined]
        cur.execute("SELECT * FROM api_keys")
        return list(cur.fetchall())


def test_revoked_keys_are_not_found_but_still_listed(store: Store) -> None:
    key, token = store.create_api_key("team", "read")
    other, other_token = store.create_api_key("*", "admin")
    revoked = store.revoke_api_key(key.id)
    assert revoked.revoked_at is not None
    assert store.find_api_key(token) is None
    assert store.find_api_key(other_token) == other
    assert store.revoke_api_key(key.id).revoked_at == revoked.revoked_at  # idempotent
    assert [k.id for k in store.list_api_keys()] == [key.id, other.id]
    assert [k.id for k in store.list_api_keys("team")] == [key.id]
    with pytest.raises(NotFound):
        store.revoke_api_key("00000000")


@pytest.mark.parametrize(("project", "scope"), [("team", "owner"), ("../x", "read"),
                                                 ("", "read"), ("a b", "write")])
def test_invalid_keys_are_refused(store: Store, project: str, scope: str) -> None:
    with pytest.raises(InvalidInput):
        store.create_api_key(project, scope)
    assert store.list_api_keys() == []


def test_scopes_are_ordered_and_projects_separate(store: Store) -> None:
    read, _ = store.create_api_key("a", "read")
    write, _ = store.create_api_key("a", "write")
    admin, _ = store.create_api_key("*", "admin")
    assert read.allows("a", "read") and not read.allows("a", "write")
    assert write.allows("a", "write") and not write.allows("a", "admin")
    assert not write.allows("b", "read") and write.allows(None, "read")
    assert admin.allows("b", "admin") and admin.allows("a", "write")
