"""Every fake over one market, on loopback, with the settings that point KIKI at them.

    with FakePlatforms(workdir=tmp_path) as fakes:
        accounts = fakes.open("acme")                # Meta, Google and Microsoft accounts
        settings = Settings(**fakes.settings())      # or fakes.environment() for a subprocess

Google's fake speaks TLS with a certificate made here by ``trustme`` (a test dependency); the
settings name its CA as ``google_ads_root_certs``. Every token and secret is random per
instance, so a test can look for them in logs and errors.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kiki.core.platform import Platform
from kiki.testing.platforms.amazon_ads import FakeAmazonAds
from kiki.testing.platforms.linkedin_marketing import FakeLinkedInMarketing
from kiki.testing.platforms.market import FakeMarket
from kiki.testing.platforms.meta_graph import FakeMetaGraph
from kiki.testing.platforms.microsoft_ads import FakeMicrosoftAds
from kiki.testing.platforms.oauth import FakeTokenEndpoint
from kiki.testing.platforms.tiktok_business import FakeTikTokBusiness

LIVE = (Platform.META, Platform.GOOGLE, Platform.MICROSOFT)  # part 1: what ``open`` opens
PART_TWO = (Platform.TIKTOK, Platform.LINKEDIN, Platform.AMAZON)
API_PLATFORMS = (*LIVE, *PART_TWO)  # every platform with an API adapter and a fake
ADAPTERS = {
    Platform.META: "meta",
    Platform.GOOGLE: "google",
    Platform.MICROSOFT: "microsoft",
    Platform.TIKTOK: "tiktok",
    Platform.LINKEDIN: "linkedin",
    Platform.AMAZON: "amazon",
}
_DIGITS = {
    Platform.META: 12,
    Platform.GOOGLE: 10,
    Platform.MICROSOFT: 9,
    Platform.TIKTOK: 16,
    Platform.LINKEDIN: 9,
    Platform.AMAZON: 15,
}


class FakePlatforms:
    def __init__(self, market: FakeMarket | None = None, *, workdir: Path) -> None:
        self.market = market or FakeMarket()
        self.workdir = workdir
        self.secrets = {
            "meta_access_token": f"meta-{secrets.token_hex(12)}",
            "google_ads_developer_token": f"gdev-{secrets.token_hex(12)}",
            "google_ads_client_secret": f"gsec-{secrets.token_hex(12)}",
            "google_ads_refresh_token": f"1//g-{secrets.token_hex(12)}",
            "microsoft_developer_token": f"mdev-{secrets.token_hex(12)}",
            "microsoft_client_secret": f"msec-{secrets.token_hex(12)}",
            "microsoft_refresh_token": f"m-{secrets.token_hex(12)}",
            "tiktok_access_token": f"tt-{secrets.token_hex(12)}",
            "linkedin_access_token": f"li-{secrets.token_hex(12)}",
            "amazon_client_secret": f"asec-{secrets.token_hex(12)}",
            "amazon_refresh_token": f"Atzr|{secrets.token_hex(12)}",
        }
        self._stack = ExitStack()
        self.meta: FakeMetaGraph
        self.google: Any
        self.microsoft: FakeMicrosoftAds
        self.tiktok: FakeTikTokBusiness
        self.linkedin: FakeLinkedInMarketing
        self.amazon: FakeAmazonAds
        self.amazon_tokens: FakeTokenEndpoint
        self.google_tokens: FakeTokenEndpoint
        self.microsoft_tokens: FakeTokenEndpoint

    def tokens(self) -> list[str]:
        """Every secret these fakes accept, access tokens issued so far included."""
        issued = [
            *self.google_tokens.issued(),
            *self.microsoft_tokens.issued(),
            *self.amazon_tokens.issued(),
        ]
        return [*self.secrets.values(), *issued]

    def __enter__(self) -> FakePlatforms:
        import trustme  # noqa: PLC0415  # a test dependency

        from kiki.testing.platforms.google_ads import FakeGoogleAds  # noqa: PLC0415  # grpc

        stack, s, scenario = self._stack, self.secrets, self.market.scenario
        authority = trustme.CA()
        cert = authority.issue_cert("localhost", "127.0.0.1")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ca_path = self.workdir / "fake-google-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_path))
        self.google_tokens = FakeTokenEndpoint(
            scenario,
            Platform.GOOGLE,
            client_id="kiki-google-client",
            refresh_token=s["google_ads_refresh_token"],
        ).start()
        stack.callback(self.google_tokens.stop)
        self.microsoft_tokens = FakeTokenEndpoint(
            scenario,
            Platform.MICROSOFT,
            client_id="kiki-microsoft-client",
            refresh_token=s["microsoft_refresh_token"],
        ).start()
        stack.callback(self.microsoft_tokens.stop)
        self.meta = stack.enter_context(
            FakeMetaGraph(self.market, access_token=s["meta_access_token"])
        )
        tls = (cert.cert_chain_pems[0].bytes(), cert.private_key_pem.bytes())
        self.google = stack.enter_context(
            FakeGoogleAds(
                self.market,
                self.google_tokens,
                developer_token=s["google_ads_developer_token"],
                tls=tls,
            )
        )
        self.microsoft = stack.enter_context(
            FakeMicrosoftAds(
                self.market, self.microsoft_tokens, developer_token=s["microsoft_developer_token"]
            )
        )
        self.tiktok = stack.enter_context(
            FakeTikTokBusiness(self.market, access_token=s["tiktok_access_token"])
        )
        self.linkedin = stack.enter_context(
            FakeLinkedInMarketing(self.market, access_token=s["linkedin_access_token"])
        )
        self.amazon_tokens = FakeTokenEndpoint(
            scenario,
            Platform.AMAZON,
            client_id="amzn1.application-oa2-client.kiki",
            refresh_token=s["amazon_refresh_token"],
        ).start()
        stack.callback(self.amazon_tokens.stop)
        self.amazon = stack.enter_context(
            FakeAmazonAds(
                self.market, self.amazon_tokens, client_id="amzn1.application-oa2-client.kiki"
            )
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def open(self, client_id: str, platforms: Iterable[Platform] = LIVE) -> dict[Platform, str]:
        """Open the client's accounts at the fakes; their account ids, by platform."""
        accounts = {p: account_id(client_id, p) for p in platforms}
        self.market.open(client_id, accounts)
        return accounts

    def settings(self) -> dict[str, Any]:
        """Settings fields that send every adapter to these fakes with valid credentials."""
        return {
            **self.secrets,
            "meta_graph_url": self.meta.url,
            "google_ads_endpoint": self.google.target,
            "google_ads_root_certs": self.ca_path,
            "google_ads_token_url": self.google_tokens.url,
            "google_ads_client_id": "kiki-google-client",
            "microsoft_ads_url": self.microsoft.url,
            "microsoft_reporting_url": self.microsoft.url,
            "microsoft_token_url": self.microsoft_tokens.url,
            "microsoft_client_id": "kiki-microsoft-client",
            "microsoft_customer_id": "1000",
            "tiktok_api_url": self.tiktok.url,
            "linkedin_api_url": self.linkedin.url,
            "amazon_ads_url": self.amazon.url,
            "amazon_token_url": self.amazon_tokens.url,
            "amazon_client_id": "amzn1.application-oa2-client.kiki",
            "amazon_report_poll_s": 0.01,
        }

    def environment(self) -> dict[str, str]:
        """The same, as ``KIKI_*`` variables for a process."""
        return {f"KIKI_{k.upper()}": str(v) for k, v in self.settings().items()}


def account_id(client_id: str, platform: Platform) -> str:
    """A platform-style account id for a client: digits, stable per (client, platform)."""
    digest = hashlib.blake2b(f"{platform.value}:{client_id}".encode(), digest_size=8).digest()
    digits = _DIGITS[platform]
    return str(10 ** (digits - 1) + int.from_bytes(digest, "big") % (9 * 10 ** (digits - 1)))
