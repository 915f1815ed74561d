"""What each role may do, as the scopes its tokens carry."""

from __future__ import annotations

# Every account is a runner: its tokens reach the runner's own data.
RUNNER_SCOPES = (
    "profile:read profile:write runs:read runs:delete runs:import races:read races:write "
    "stats:read plans:read plans:write reports:read reports:write"
)
# Roles an operator grants (``runnerly accounts grant``), and what they add.
GRANTABLE_ROLES: dict[str, str] = {
    # Keeps the shared race list clean (deletes anyone's race) and sees who has an account.
    "admin": "races:moderate accounts:read",
}


def scopes_for(roles: list[str]) -> str:
    scopes = set(RUNNER_SCOPES.split())
    for role in roles:
        scopes.update(GRANTABLE_ROLES.get(role, "").split())
    return " ".join(sorted(scopes))
