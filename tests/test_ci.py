"""CI runs what the README tells a user to run: .ci/run and the GitHub workflow call the
README's test commands and nothing else."""

import re

from conftest import ROOT


def readme_test_commands():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return {line.split("#")[0].strip() for b in blocks for line in b.splitlines()
            if line.startswith("make test")}


def test_ci_runs_the_readme_commands_for_tensorflow_and_jax():
    commands = readme_test_commands()
    assert {"make test", "make test BACKEND=jax"} <= commands
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip().startswith("make")]
    assert ci and set(ci) <= commands and {"make test", "make test BACKEND=jax"} <= set(ci)


def test_workflow_runs_the_readme_command_per_backend():
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    backends = re.search(r"backend: \[(.*?)\]", workflow).group(1).replace(" ", "").split(",")
    assert backends == ["tensorflow", "jax", "torch"]
    run = re.findall(r"- run: (.*)", workflow)
    assert run == ["make test BACKEND=${{ matrix.backend }}", "make test-lowest"]
    commands = readme_test_commands()
    assert "make test-lowest" in commands
    for backend in backends[1:]:
        assert f"make test BACKEND={backend}" in commands
