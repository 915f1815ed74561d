from runnerly_ingest.models import Model
from runnerly_kit.db import run_alembic_env

run_alembic_env(Model.metadata)
