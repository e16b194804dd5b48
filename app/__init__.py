"""Tanggap: a self-hosted reply assistant for Indonesian government social-media admins."""

__version__ = "0.1.0"
