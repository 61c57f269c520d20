"""The parts of the ``llamacloud-async`` command line; ``llamacloud_async.cli`` puts them together."""
