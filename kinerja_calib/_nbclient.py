"""nbclient's ``Output``-widget stand-in, fixed so that no cell reply is lost.

nbclient (used by papermill and by Voila's executor) imitates an ``ipywidgets.Output``
widget when it runs a notebook: for every output shown inside one (``with out:
display(...)``) it sends the new widget state back to the kernel as a ``comm_msg`` on the
*shell* socket. It sends from its IOPub task, with a plain (non-asyncio) send, while its
reply task is still awaiting ``execute_reply`` on that same zmq.asyncio socket. ZeroMQ's
readiness signal is edge-triggered, and the send can consume the edge of a reply that has
just arrived: the kernel has answered and gone idle, but the client sleeps until its poll
times out (the cell time-out: 180 s in our batches; for ever in Voila, which has no cell
time-out, so the dashboard page never finished loading). Seen here in about 1 of 78 notebook
runs, and in 61 of 1,600 widget cells of a micro-reproducer under load.

The echo itself is needed (Voila's page shows the kernel's copy of the widget), so it is
kept; after it, the socket's pending events are re-read (``socket.get(zmq.EVENTS)``), which
makes pyzmq's asyncio socket wake any waiter whose message already arrived.

References
----------
jupyter/nbclient#311 and #312; jupyter/jupyter_client#1059; voila-dashboards/voila#1428.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any

__all__ = ["output_widget_class", "patch_output_widgets", "patched_output_widgets"]


@functools.cache
def output_widget_class() -> type:
    """nbclient's ``Output``-widget stand-in that re-arms the shell socket after each echo."""
    import zmq
    from nbclient.output_widget import OutputWidget

    class RearmedOutputWidget(OutputWidget):
        """Echoes the widget state like nbclient's, then re-reads the shell socket's events."""

        def _publish_msg(self, *args: Any, **kwargs: Any) -> None:
            super()._publish_msg(*args, **kwargs)
            socket = getattr(self.kernel_client.shell_channel, "socket", None)
            if socket is not None:
                socket.get(zmq.EVENTS)  # zmq.asyncio: schedules the waiters it can now serve

    return RearmedOutputWidget


def patch_output_widgets() -> bool:
    """Make every notebook client created from now on in this process use the fixed class.

    nbclient builds its widget registry from the module global ``OutputWidget`` when a client
    is created. Returns False (and changes nothing) for an nbclient without that global.
    """
    import nbclient.client as nbc

    if getattr(nbc, "OutputWidget", None) is None:
        return False
    nbc.OutputWidget = output_widget_class()
    return True


@contextmanager
def patched_output_widgets():
    """Within the block, new notebook clients use :func:`output_widget_class`.

    The original class is restored afterwards.
    """
    import nbclient.client as nbc

    original = getattr(nbc, "OutputWidget", None)
    patch_output_widgets()
    try:
        yield
    finally:
        if original is not None:
            nbc.OutputWidget = original
