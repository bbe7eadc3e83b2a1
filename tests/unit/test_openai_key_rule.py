"""The API key rule of the shared-server client: a key goes only over https or to this machine, and never into a log."""

from __future__ import annotations

import logging

import pytest

from lsp_server.config import Settings
from lsp_server.engine.openai_client import Endpoint, is_loopback
from lsp_server.errors import ModelError

SECRET = "sk-unit-test-secret-5f3a"


def settings(url: str, key_env: str = "SPECEDIT_UNIT_KEY") -> Settings:
    s = Settings()
    s.engine = "openai"
    s.engine_url = url
    s.engine_api_key_env = key_env
    return s


@pytest.mark.parametrize("url", [
    "https://api.example.com/v1",
    "https://203.0.113.7:8443/v1",
    "http://127.0.0.1:8080/v1",
    "http://127.1.2.3:8080/v1",
    "http://localhost:8080/v1",
    "http://LOCALHOST./v1",
    "http://[::1]:8080/v1",
    "http://[::ffff:127.0.0.1]:8080/v1",
])
def test_a_key_goes_over_https_or_to_this_machine(url, monkeypatch):
    monkeypatch.setenv("SPECEDIT_UNIT_KEY", SECRET)
    assert Endpoint.from_settings(settings(url)).api_key == SECRET


@pytest.mark.parametrize("url, where", [
    ("http://203.0.113.7:8080/v1", "203.0.113.7:8080"),
    ("http://inference.example.com/v1", "inference.example.com:80"),
    ("http://localhost.attacker.example/v1", "localhost.attacker.example:80"),
    ("http://127.0.0.1.nip.io:8080/v1", "127.0.0.1.nip.io:8080"),
    ("http://[2001:db8::1]:8080/v1", "2001:db8::1:8080"),
    ("http://0.0.0.0:8080/v1", "0.0.0.0:8080"),
    ("http://user:hunter2@203.0.113.7:8080/v1", "203.0.113.7:8080"),
])
def test_a_key_over_plain_http_to_another_machine_is_refused_in_one_sentence(url, where, monkeypatch, caplog):
    monkeypatch.setenv("SPECEDIT_UNIT_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ModelError) as raised:
        Endpoint.from_settings(settings(url))
    message = str(raised.value)
    assert message.count(". ") == 0 and "\n" not in message, message
    assert "$SPECEDIT_UNIT_KEY" in message and "engineApiKeyEnv" in message and "engineUrl" in message, message
    assert f"to {where}:" in message, message
    assert SECRET not in message and "hunter2" not in message, message
    assert SECRET not in caplog.text


def test_without_a_key_plain_http_to_another_machine_is_allowed(monkeypatch):
    # Nothing secret goes: a shared server on the LAN without authentication keeps working.
    monkeypatch.delenv("SPECEDIT_UNIT_KEY", raising=False)
    ep = Endpoint.from_settings(settings("http://192.0.2.10:8080/v1"))
    assert ep.api_key is None and ep.host == "192.0.2.10"


def test_an_empty_variable_counts_as_no_key(monkeypatch):
    monkeypatch.setenv("SPECEDIT_UNIT_KEY", "")
    assert Endpoint.from_settings(settings("http://192.0.2.10:8080/v1")).api_key is None


def test_the_key_is_not_in_the_endpoints_repr(monkeypatch):
    monkeypatch.setenv("SPECEDIT_UNIT_KEY", SECRET)
    ep = Endpoint.from_settings(settings("https://api.example.com/v1"))
    assert SECRET not in repr(ep) and SECRET not in str(ep)


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", True), ("127.255.0.9", True), ("::1", True), ("::ffff:127.0.0.1", True), ("localhost", True),
    ("localhost.", True), ("0.0.0.0", False), ("10.0.0.1", False), ("::", False), ("fe80::1%eth0", False),
    ("localhost.example", False), ("mylocalhost", False), ("", False),
])
def test_loopback_is_localhost_or_a_loopback_address_never_a_resolved_name(host, expected):
    assert is_loopback(host) is expected
