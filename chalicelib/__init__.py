"""chempark-safety: serverless backend of a chemical-park integrated safety system (化工园区安全一体化系统)."""

__version__ = "0.1.0"
