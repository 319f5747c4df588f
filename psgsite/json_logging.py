"""Logging as one JSON object a line on standard output, which log collectors read as they are:
the production settings and gunicorn's settings both build on this."""


def json_logging(loggers):
    """A logging configuration with the given loggers (name -> level) on standard output."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                # ISO 8601 in UTC, which collectors read without knowing the server's time zone.
                "timestamp": "time",
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"handlers": ["stdout"], "level": "INFO"},
        "loggers": {
            name: {"handlers": ["stdout"], "level": level, "propagate": False}
            for name, level in loggers.items()
        },
    }
