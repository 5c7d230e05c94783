"""Serving with several worker processes (`hearth serve --workers N`)."""

from __future__ import annotations

import socket

import uvicorn


class NoDelayConfig(uvicorn.Config):
    """uvicorn's `--workers` binds the listening socket with protocol 0, so asyncio leaves
    Nagle's algorithm on for every accepted connection and each keep-alive request after the
    first waits ~40 ms for the client's delayed ACK (Kludex/uvicorn#3149; measured here: 3 ms
    → 48 ms a request with two workers). The same socket, said to be TCP, gets TCP_NODELAY.
    At module level: the supervisor hands the config to each worker process by pickling it."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        tcp.set_inheritable(True)
        return tcp
