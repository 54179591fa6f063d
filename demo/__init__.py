"""The demo campaign (Zibo 2021, from the seed documents): see demo/loader.py."""
