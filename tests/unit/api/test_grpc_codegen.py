"""The committed gRPC code is exactly what the documented command makes from the protos."""

from __future__ import annotations

from pathlib import Path

from kiki.wire.codegen import GEN_DIR, generate


def test_regenerating_the_grpc_code_changes_nothing(tmp_path: Path) -> None:
    written = generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        p.name for p in GEN_DIR.iterdir() if p.suffix in {".py", ".pyi"}
    )
    for path in written:
        assert path.read_text() == (GEN_DIR / path.name).read_text(), path.name
