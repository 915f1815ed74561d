from runnerly.cli import app

app()
