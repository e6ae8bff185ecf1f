"""`attendance ...`: wires every command group together."""

from __future__ import annotations

import typer

from api.cli import camera, db, demo, devices, faces, report, secret, serve, staff, units, users, worker

app = typer.Typer(
    name="attendance",
    no_args_is_help=True,
    help="Chấm công cho cơ quan nhà nước — staff attendance service.",
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")
app.add_typer(staff.app, name="staff")
app.add_typer(devices.app, name="devices")
app.add_typer(faces.app, name="faces")
app.add_typer(camera.app, name="camera")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="users")
app.add_typer(secret.app, name="secret")
app.add_typer(units.app, name="units")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("worker")(worker.worker)

if __name__ == "__main__":
    app()
