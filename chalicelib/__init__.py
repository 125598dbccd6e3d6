"""chempark-safety: serverless backend of a chemical-park integrated safety system (化工园区安全一体化系统)."""

from chalicelib.core import lazy

__version__ = "0.1.0"

lazy.install()  # `from chalicelib.<context> import store` binds the module; its models load on first use
