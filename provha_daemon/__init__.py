"""provha-daemon: the NMS Prime ProvHA slave's provisioning files, rebuilt from its read-only replica."""

__version__ = "0.1.0"
