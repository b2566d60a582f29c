"""A real SFTP server on 127.0.0.1 for the tests (paramiko's server interface over a temporary folder).

Not a mock of the client: the hub's paramiko client talks SSH and SFTP to it over a TCP socket. The
server can misbehave the way real ones do: ``drop_reading`` names a file whose first read drops the
connection half-way; ``deny_into`` names folders where a rename is answered "permission denied".
"""

import os
import socket
import tempfile
import threading

import paramiko
from paramiko import SFTPAttributes, SFTPHandle, SFTPServer, SFTPServerInterface

USER, PASSWORD = "buyer", "s3cret-drop"


class _Handle(SFTPHandle):
    def __init__(self, server, name, flags=0, transport=None):
        super().__init__(flags)
        self.server, self.name, self.transport = server, name, transport

    def stat(self):
        try:
            return SFTPAttributes.from_stat(os.fstat((self.readfile or self.writefile).fileno()))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)

    def read(self, offset, length):
        if self.name in self.server.drop_reading:
            self.server.drop_reading.discard(self.name)  # once: the next try reads the whole file
            self.server.dropped.append(self.name)
            self.transport.close()
            return paramiko.SFTP_CONNECTION_LOST
        return super().read(offset, length)


class _Sftp(SFTPServerInterface):
    def __init__(self, ssh_server, *args, **kwargs):
        super().__init__(ssh_server, *args, **kwargs)
        self.server, self.ssh = ssh_server.sftp, ssh_server

    def _real(self, path):
        return os.path.join(self.server.root, os.path.normpath("/" + path).lstrip("/"))

    def canonicalize(self, path):
        return os.path.normpath("/" + path)

    def list_folder(self, path):
        real = self._real(path)
        try:
            entries = []
            for name in os.listdir(real):
                attributes = SFTPAttributes.from_stat(os.stat(os.path.join(real, name)))
                attributes.filename = name
                entries.append(attributes)
            return entries
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)

    def stat(self, path):
        try:
            return SFTPAttributes.from_stat(os.stat(self._real(path)))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)

    lstat = stat

    def open(self, path, flags, attr):
        real = self._real(path)
        try:
            fd = os.open(real, flags | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)
        if flags & os.O_WRONLY:
            mode = "ab" if flags & os.O_APPEND else "wb"
        elif flags & os.O_RDWR:
            mode = "a+b" if flags & os.O_APPEND else "r+b"
        else:
            mode = "rb"
        handle = _Handle(self.server, os.path.basename(real), flags, self.ssh.transport)
        stream = os.fdopen(fd, mode)
        if "r" in mode or "+" in mode:
            handle.readfile = stream
        if mode != "rb":
            handle.writefile = stream
        return handle

    def remove(self, path):
        try:
            os.remove(self._real(path))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)
        return paramiko.SFTP_OK

    def rename(self, oldpath, newpath):
        folder = os.path.dirname(os.path.normpath("/" + newpath)).strip("/")
        if folder in self.server.deny_into:
            return paramiko.SFTP_PERMISSION_DENIED
        try:
            os.replace(self._real(oldpath), self._real(newpath))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)
        return paramiko.SFTP_OK

    posix_rename = rename

    def mkdir(self, path, attr):
        try:
            os.mkdir(self._real(path))
        except OSError as error:
            return SFTPServer.convert_errno(error.errno)
        return paramiko.SFTP_OK


class _Ssh(paramiko.ServerInterface):
    def __init__(self, sftp, transport):
        self.sftp, self.transport = sftp, transport

    def check_auth_password(self, username, password):
        ok = username == USER and password == PASSWORD
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        ok = username == USER and self.sftp.client_key and key.get_base64() == self.sftp.client_key.get_base64()
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def get_allowed_auths(self, username):
        return "password,publickey"

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class SftpServer:
    """``with SftpServer() as server``: listening on ``server.port``, files under ``server.root``."""

    FOLDERS = ("inbound", "processed", "failed", "outbound")

    def __init__(self, host_key=None):
        self.host_key = host_key or paramiko.ECDSAKey.generate()  # a throw-away host key
        self.client_key = None
        self.drop_reading, self.dropped, self.deny_into = set(), [], set()
        self.connections = 0
        self._channels = []
        self._tmp = tempfile.TemporaryDirectory(prefix="hub-sftp-")
        self.root = self._tmp.name
        for folder in self.FOLDERS:
            os.mkdir(os.path.join(self.root, folder))
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self.port = self._socket.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def host_key_line(self):
        return f"{self.host_key.get_name()} {self.host_key.get_base64()}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self._socket.close()
        self._thread.join(5)
        self._tmp.cleanup()

    def _serve(self):
        while not self._stop:
            try:
                connection, _address = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _session(self, connection):
        transport = paramiko.Transport(connection)
        transport.add_server_key(self.host_key)
        transport.set_subsystem_handler("sftp", SFTPServer, _Sftp)
        try:
            transport.start_server(server=_Ssh(self, transport))
        except (paramiko.SSHException, EOFError, OSError):
            return
        self._channels.append(transport.accept(20))  # a channel nobody holds is closed when collected

    # --- helpers for the tests ------------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def put(self, folder, name, data):
        with open(self.path(folder, name), "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode())

    def files(self, folder):
        return sorted(os.listdir(self.path(folder)))

    def content(self, folder, name):
        with open(self.path(folder, name), "rb") as handle:
            return handle.read()
