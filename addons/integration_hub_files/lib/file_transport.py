"""Where a file channel's files are: an SFTP server (paramiko) or a local / mounted folder.

Both locations offer the same few operations, on folder names relative to the location's root:
``listing(folder)`` -> {name: size} of the regular files; ``read(folder, name)`` -> bytes;
``move(folder, name, to_folder)``; ``write(folder, name, data)`` (written under a temporary name,
then renamed, so a reader never takes half a file).

Errors are the hub's (lib/errors.py): a network failure or a dropped connection is a
``RetryableError`` (try again later, nothing was lost); refused credentials an ``AuthError``; a host
key that is not the pinned one a ``HostKeyMismatch`` (never connected further); a permission refused
or a missing folder a ``PermanentError`` naming the path.
"""

import base64
import errno
import hashlib
import io
import os
import posixpath
import shutil
import socket
import stat

import paramiko

from odoo.addons.integration_hub.lib.errors import AuthError, PermanentError, RetryableError

TIMEOUT = 20  # seconds for connect, handshake and each read


class HostKeyMismatch(PermanentError):
    """The server's host key is not the one pinned at the first connection: possibly another server."""


def _io_error(error, path):
    if isinstance(error, PermissionError) or getattr(error, "errno", None) == errno.EACCES:
        return PermanentError(f"permission denied on {path}")
    if isinstance(error, FileNotFoundError) or getattr(error, "errno", None) == errno.ENOENT:
        return PermanentError(f"{path} does not exist")
    return RetryableError(f"{path}: {error}")


def load_private_key(text):
    """A paramiko key from PEM / OpenSSH text (Ed25519, ECDSA or RSA); PermanentError when none fits."""
    for key_class in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return key_class.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError):
            continue
    raise PermanentError("the SFTP private key cannot be read (an unencrypted OpenSSH or PEM key is expected)")


class SftpLocation:
    """An SFTP server. ``pinned_host_key``: "<type> <base64>" from the first connection (None: pin now).

    After connecting, ``host_key`` holds the server's key in the same form, for the caller to pin.
    """

    def __init__(self, host, port, username, password=None, private_key=None, pinned_host_key=None):
        self.host, self.port, self.username = host, int(port or 22), username
        self.password, self.private_key, self.pinned_host_key = password, private_key, pinned_host_key
        self.host_key = None
        self._transport = self._sftp = None

    def __enter__(self):
        try:
            sock = socket.create_connection((self.host, self.port), timeout=TIMEOUT)
        except OSError as error:
            raise RetryableError(f"SFTP server {self.host}:{self.port} cannot be reached ({error})") from None
        try:
            self._transport = paramiko.Transport(sock)
            self._transport.banner_timeout = self._transport.handshake_timeout = TIMEOUT
            self._transport.start_client(timeout=TIMEOUT)
            key = self._transport.get_remote_server_key()
            self.host_key = f"{key.get_name()} {key.get_base64()}"
            if self.pinned_host_key and self.pinned_host_key.strip() != self.host_key:
                raise HostKeyMismatch(
                    f"the SFTP server {self.host}:{self.port} presented the host key {fingerprint(self.host_key)}, "
                    f"not the pinned {fingerprint(self.pinned_host_key)}: the hub did not log in. If the server's key "
                    "really changed, an administrator checks it with the server's owner and uses 'Forget host key'"
                )
            if self.private_key:
                self._transport.auth_publickey(self.username, load_private_key(self.private_key))
            else:
                self._transport.auth_password(self.username, self.password or "")
            self._sftp = paramiko.SFTPClient.from_transport(self._transport)
            self._sftp.get_channel().settimeout(TIMEOUT)
        except paramiko.AuthenticationException as error:
            self.close()
            raise AuthError(f"the SFTP server refused the user {self.username} ({error})") from None
        except (paramiko.SSHException, OSError, EOFError) as error:
            self.close()
            raise RetryableError(f"SFTP connection to {self.host}:{self.port} failed ({error})") from None
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._transport:
            self._transport.close()
        self._transport = self._sftp = None

    def _call(self, path, function, *args):
        try:
            return function(*args)
        except (TimeoutError, paramiko.SSHException, EOFError) as error:
            raise RetryableError(f"SFTP connection lost during {path} ({error or error.__class__.__name__})") from None
        except OSError as error:
            raise _io_error(error, path) from None

    def listing(self, folder):
        entries = self._call(folder, self._sftp.listdir_attr, folder)
        return {e.filename: e.st_size for e in entries if stat.S_ISREG(e.st_mode or 0) and not _hidden(e.filename)}

    def read(self, folder, name):
        path = posixpath.join(folder, name)

        def fetch():
            with self._sftp.open(path, "rb") as handle:
                size = handle.stat().st_size
                handle.prefetch(size)
                data = handle.read(size)
            if len(data) != size:  # a connection that dropped may return short reads
                raise EOFError(f"read {len(data)} of {size} bytes")
            return data

        return self._call(path, fetch)

    def move(self, folder, name, to_folder):
        source, target = posixpath.join(folder, name), posixpath.join(to_folder, name)
        self._call(target, self._sftp.posix_rename, source, target)
        return target

    def write(self, folder, name, data):
        target, temporary = posixpath.join(folder, name), posixpath.join(folder, f".{name}.part")

        def put():
            with self._sftp.open(temporary, "wb") as handle:
                handle.write(data)
            self._sftp.posix_rename(temporary, target)

        self._call(target, put)
        return target


class FolderLocation:
    """A local or mounted folder (an NFS / SMB mount of the partner's drop)."""

    def __init__(self, root):
        self.root = root
        self.host_key = None

    def __enter__(self):
        if not self.root or not os.path.isdir(self.root):
            raise PermanentError(f"the folder {self.root} does not exist or is not mounted")
        return self

    def __exit__(self, *exc):
        pass

    def _path(self, *parts):
        return os.path.join(self.root, *parts)

    def listing(self, folder):
        path = self._path(folder)
        try:
            with os.scandir(path) as entries:
                return {e.name: e.stat().st_size for e in entries if e.is_file() and not _hidden(e.name)}
        except OSError as error:
            raise _io_error(error, path) from None

    def read(self, folder, name):
        path = self._path(folder, name)
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise _io_error(error, path) from None

    def move(self, folder, name, to_folder):
        target = self._path(to_folder, name)
        try:
            shutil.move(self._path(folder, name), target)
        except OSError as error:
            raise _io_error(error, target) from None
        return target

    def write(self, folder, name, data):
        target, temporary = self._path(folder, name), self._path(folder, f".{name}.part")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except OSError as error:
            raise _io_error(error, target) from None
        return target


def _hidden(name):
    # our own temporary names, and a partner's upload in progress by the usual conventions
    return name.startswith(".") or name.endswith((".part", ".tmp", ".filepart"))


def fingerprint(host_key):
    """'SHA256:<base64>' of a "<type> <base64>" host key, as ssh-keygen -l shows it."""
    try:
        blob = base64.b64decode(host_key.split()[1])
    except (IndexError, ValueError):
        return host_key
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
