"""Drop-in ``_socket`` for Python inside WebAssembly, served by the pysocket host.

``pysocket_guest.install()`` puts this module in ``sys.modules['_socket']``
before the stdlib ``socket`` module is first imported, so the unmodified
``Lib/socket.py`` (and ``selectors``, ``socketserver``, ``http.client``,
``asyncio`` on top of it) runs on it with the behaviour of CPython on Linux.

How it maps to the WIT package ``pysocket:socket`` (``wit/*.wit``):

* ``socket`` objects hold the host's descriptor number of the socket (what
  ``fileno()`` returns); every method is one call of the WIT ``socket``
  function of the same name with that number (``recv`` -> ``recv``,
  ``settimeout`` -> ``set-timeout``, ``getsockopt`` ->
  ``getsockopt-int``/``getsockopt-bytes`` ...). The timeout lives in the host
  (``set-timeout``); the object keeps a copy in nanoseconds only to answer
  ``gettimeout()`` without a call. A closed or detached object holds
  ``_NO_FD``, which the host answers with EBADF.
* Module functions map to the ``socket`` interface (``socketpair``,
  ``dup``, ``close``) and to ``resolve``
  (``getaddrinfo``, ``getnameinfo``, ``gethostby*``, ``getservby*``,
  ``getprotobyname``, ``gethostname``, ``if_nameindex``).
* Integers (families, types, levels, options, flags) are the Linux x86-64
  numbers on both sides, so the constants below are Linux's, not WASI's.
* Host errors arrive as ``componentize_py_types.Err(types.Error)`` and are
  raised as the exception CPython raises (see ``_exc``): an errno *name*
  becomes this interpreter's ``errno.<NAME>`` value, so ``OSError`` picks the
  subclass CPython picks (``ConnectionRefusedError``, ``BlockingIOError``...).
* Pure functions (``inet_*``, ``hton*``, ``CMSG_*``) and argument checking are
  done here, with CPython's messages, without calling the host.
"""

from componentize_py_types import Err as _Err
from wit_world.imports import resolve as _wresolve
from wit_world.imports import socket as _wsock
from wit_world.imports import types as _wtypes

import errno as _errno
import os as _os
from _warnings import warn as _warn
from math import ceil as _ceil, floor as _floor
from operator import index as _index

# ---------------------------------------------------------------------------
# Constants: Linux x86-64 values, the names a Linux build of CPython 3.14 has
# (bluetooth, CAN, TIPC, RDS, ... included so that code testing for them
# behaves as on Linux; the host refuses what it does not support).

# Address families AF_*/PF_*
AF_ALG = 38
AF_APPLETALK = 5
AF_ASH = 18
AF_ATMPVC = 8
AF_ATMSVC = 20
AF_AX25 = 3
AF_BLUETOOTH = 31
AF_BRIDGE = 7
AF_CAN = 29
AF_DECnet = 12
AF_ECONET = 19
AF_INET = 2
AF_INET6 = 10
AF_IPX = 4
AF_IRDA = 23
AF_KEY = 15
AF_LLC = 26
AF_NETBEUI = 13
AF_NETLINK = 16
AF_NETROM = 6
AF_PACKET = 17
AF_PPPOX = 24
AF_QIPCRTR = 42
AF_RDS = 21
AF_ROSE = 11
AF_ROUTE = 16
AF_SECURITY = 14
AF_SNA = 22
AF_TIPC = 30
AF_UNIX = 1
AF_UNSPEC = 0
AF_VSOCK = 40
AF_WANPIPE = 25
AF_X25 = 9
PF_CAN = 29
PF_PACKET = 17
PF_RDS = 21

# Socket types SOCK_*
SOCK_CLOEXEC = 0x80000
SOCK_DGRAM = 2
SOCK_NONBLOCK = 2048
SOCK_RAW = 3
SOCK_RDM = 4
SOCK_SEQPACKET = 5
SOCK_STREAM = 1

# Send/recv flags MSG_*
MSG_CMSG_CLOEXEC = 0x40000000
MSG_CONFIRM = 2048
MSG_CTRUNC = 8
MSG_DONTROUTE = 4
MSG_DONTWAIT = 64
MSG_EOR = 128
MSG_ERRQUEUE = 8192
MSG_FASTOPEN = 0x20000000
MSG_MORE = 32768
MSG_NOSIGNAL = 16384
MSG_OOB = 1
MSG_PEEK = 2
MSG_TRUNC = 32
MSG_WAITALL = 256

# getaddrinfo/getnameinfo AI_*/NI_*/EAI_*
AI_ADDRCONFIG = 32
AI_ALL = 16
AI_CANONNAME = 2
AI_NUMERICHOST = 4
AI_NUMERICSERV = 1024
AI_PASSIVE = 1
AI_V4MAPPED = 8
EAI_ADDRFAMILY = -9
EAI_AGAIN = -3
EAI_BADFLAGS = -1
EAI_FAIL = -4
EAI_FAMILY = -6
EAI_MEMORY = -10
EAI_NODATA = -5
EAI_NONAME = -2
EAI_OVERFLOW = -12
EAI_SERVICE = -8
EAI_SOCKTYPE = -7
EAI_SYSTEM = -11
NI_DGRAM = 16
NI_IDN = 32
NI_MAXHOST = 1025
NI_MAXSERV = 32
NI_NAMEREQD = 8
NI_NOFQDN = 4
NI_NUMERICHOST = 1
NI_NUMERICSERV = 2

# Socket-level SOL_SOCKET/SO_*/SCM_*/SOMAXCONN
SCM_CREDENTIALS = 2
SCM_RIGHTS = 1
SHUT_RD = 0
SHUT_RDWR = 2
SHUT_WR = 1
SOL_SOCKET = 1
SOMAXCONN = 4096
SO_ACCEPTCONN = 30
SO_BINDTODEVICE = 25
SO_BINDTOIFINDEX = 62
SO_BROADCAST = 6
SO_DEBUG = 1
SO_DOMAIN = 39
SO_DONTROUTE = 5
SO_ERROR = 4
SO_INCOMING_CPU = 49
SO_J1939_ERRQUEUE = 4
SO_J1939_FILTER = 1
SO_J1939_PROMISC = 2
SO_J1939_SEND_PRIO = 3
SO_KEEPALIVE = 9
SO_LINGER = 13
SO_MARK = 36
SO_OOBINLINE = 10
SO_ORIGINAL_DST = 80
SO_PASSCRED = 16
SO_PASSSEC = 34
SO_PEERCRED = 17
SO_PEERSEC = 31
SO_PRIORITY = 12
SO_PROTOCOL = 38
SO_RCVBUF = 8
SO_RCVLOWAT = 18
SO_RCVTIMEO = 20
SO_REUSEADDR = 2
SO_REUSEPORT = 15
SO_SNDBUF = 7
SO_SNDLOWAT = 19
SO_SNDTIMEO = 21
SO_TYPE = 3

# Protocol numbers IPPROTO_*
IPPROTO_AH = 51
IPPROTO_DSTOPTS = 60
IPPROTO_EGP = 8
IPPROTO_ESP = 50
IPPROTO_FRAGMENT = 44
IPPROTO_GRE = 47
IPPROTO_HOPOPTS = 0
IPPROTO_ICMP = 1
IPPROTO_ICMPV6 = 58
IPPROTO_IDP = 22
IPPROTO_IGMP = 2
IPPROTO_IP = 0
IPPROTO_IPIP = 4
IPPROTO_IPV6 = 41
IPPROTO_MPTCP = 262
IPPROTO_NONE = 59
IPPROTO_PIM = 103
IPPROTO_PUP = 12
IPPROTO_RAW = 255
IPPROTO_ROUTING = 43
IPPROTO_RSVP = 46
IPPROTO_SCTP = 132
IPPROTO_TCP = 6
IPPROTO_TP = 29
IPPROTO_UDP = 17
IPPROTO_UDPLITE = 136

# IPv4 options IP_*/INADDR_*
INADDR_ALLHOSTS_GROUP = 0xe0000001
INADDR_ANY = 0
INADDR_BROADCAST = 0xffffffff
INADDR_LOOPBACK = 0x7f000001
INADDR_MAX_LOCAL_GROUP = 0xe00000ff
INADDR_NONE = 0xffffffff
INADDR_UNSPEC_GROUP = 0xe0000000
IPPORT_RESERVED = 1024
IPPORT_USERRESERVED = 5000
IP_ADD_MEMBERSHIP = 35
IP_ADD_SOURCE_MEMBERSHIP = 39
IP_BIND_ADDRESS_NO_PORT = 24
IP_BLOCK_SOURCE = 38
IP_DEFAULT_MULTICAST_LOOP = 1
IP_DEFAULT_MULTICAST_TTL = 1
IP_DROP_MEMBERSHIP = 36
IP_DROP_SOURCE_MEMBERSHIP = 40
IP_FREEBIND = 15
IP_HDRINCL = 3
IP_MAX_MEMBERSHIPS = 20
IP_MULTICAST_IF = 32
IP_MULTICAST_LOOP = 34
IP_MULTICAST_TTL = 33
IP_OPTIONS = 4
IP_PKTINFO = 8
IP_RECVERR = 11
IP_RECVOPTS = 6
IP_RECVORIGDSTADDR = 20
IP_RECVRETOPTS = 7
IP_RECVTOS = 13
IP_RECVTTL = 12
IP_RETOPTS = 7
IP_TOS = 1
IP_TRANSPARENT = 19
IP_TTL = 2
IP_UNBLOCK_SOURCE = 37

# IPv6 options IPV6_*
IPV6_CHECKSUM = 7
IPV6_DONTFRAG = 62
IPV6_DSTOPTS = 59
IPV6_HOPLIMIT = 52
IPV6_HOPOPTS = 54
IPV6_JOIN_GROUP = 20
IPV6_LEAVE_GROUP = 21
IPV6_MULTICAST_HOPS = 18
IPV6_MULTICAST_IF = 17
IPV6_MULTICAST_LOOP = 19
IPV6_NEXTHOP = 9
IPV6_PATHMTU = 61
IPV6_PKTINFO = 50
IPV6_RECVDSTOPTS = 58
IPV6_RECVERR = 25
IPV6_RECVHOPLIMIT = 51
IPV6_RECVHOPOPTS = 53
IPV6_RECVPATHMTU = 60
IPV6_RECVPKTINFO = 49
IPV6_RECVRTHDR = 56
IPV6_RECVTCLASS = 66
IPV6_RTHDR = 57
IPV6_RTHDRDSTOPTS = 55
IPV6_RTHDR_TYPE_0 = 0
IPV6_TCLASS = 67
IPV6_UNICAST_HOPS = 16
IPV6_V6ONLY = 26

# TCP options TCP_*
TCP_CC_INFO = 26
TCP_CONGESTION = 13
TCP_CORK = 3
TCP_DEFER_ACCEPT = 9
TCP_FASTOPEN = 23
TCP_FASTOPEN_CONNECT = 30
TCP_FASTOPEN_KEY = 33
TCP_FASTOPEN_NO_COOKIE = 34
TCP_INFO = 11
TCP_INQ = 36
TCP_KEEPCNT = 6
TCP_KEEPIDLE = 4
TCP_KEEPINTVL = 5
TCP_LINGER2 = 8
TCP_MAXSEG = 2
TCP_MD5SIG = 14
TCP_MD5SIG_EXT = 32
TCP_NODELAY = 1
TCP_NOTSENT_LOWAT = 25
TCP_QUEUE_SEQ = 21
TCP_QUICKACK = 12
TCP_REPAIR = 19
TCP_REPAIR_OPTIONS = 22
TCP_REPAIR_QUEUE = 20
TCP_REPAIR_WINDOW = 29
TCP_SAVED_SYN = 28
TCP_SAVE_SYN = 27
TCP_SYNCNT = 7
TCP_THIN_DUPACK = 17
TCP_THIN_LINEAR_TIMEOUTS = 16
TCP_TIMESTAMP = 24
TCP_TX_DELAY = 37
TCP_ULP = 31
TCP_USER_TIMEOUT = 18
TCP_WINDOW_CLAMP = 10
TCP_ZEROCOPY_RECEIVE = 35

# Bluetooth BT*/BDADDR/HCI/L2CAP
BDADDR_ANY = "00:00:00:00:00:00"
BDADDR_BREDR = 0
BDADDR_LE_PUBLIC = 1
BDADDR_LE_RANDOM = 2
BDADDR_LOCAL = "00:00:00:FF:FF:FF"
BTPROTO_HCI = 1
BTPROTO_L2CAP = 0
BTPROTO_RFCOMM = 3
BTPROTO_SCO = 2
BT_CHANNEL_POLICY = 10
BT_CHANNEL_POLICY_BREDR_ONLY = 0
BT_CHANNEL_POLICY_BREDR_PREFERRED = 1
BT_CODEC = 19
BT_DEFER_SETUP = 7
BT_FLUSHABLE = 8
BT_FLUSHABLE_OFF = 0
BT_FLUSHABLE_ON = 1
BT_ISO_QOS = 17
BT_MODE = 15
BT_MODE_BASIC = 0
BT_MODE_ERTM = 1
BT_MODE_EXT_FLOWCTL = 4
BT_MODE_LE_FLOWCTL = 3
BT_MODE_STREAMING = 2
BT_PHY = 14
BT_PHY_BR_1M_1SLOT = 1
BT_PHY_BR_1M_3SLOT = 2
BT_PHY_BR_1M_5SLOT = 4
BT_PHY_EDR_2M_1SLOT = 8
BT_PHY_EDR_2M_3SLOT = 16
BT_PHY_EDR_2M_5SLOT = 32
BT_PHY_EDR_3M_1SLOT = 64
BT_PHY_EDR_3M_3SLOT = 128
BT_PHY_EDR_3M_5SLOT = 0x100
BT_PHY_LE_1M_RX = 0x400
BT_PHY_LE_1M_TX = 0x200
BT_PHY_LE_2M_RX = 0x1000
BT_PHY_LE_2M_TX = 0x800
BT_PHY_LE_CODED_RX = 0x4000
BT_PHY_LE_CODED_TX = 0x2000
BT_PKT_STATUS = 16
BT_POWER = 9
BT_POWER_FORCE_ACTIVE_OFF = 0
BT_POWER_FORCE_ACTIVE_ON = 1
BT_RCVMTU = 13
BT_SECURITY = 4
BT_SECURITY_FIPS = 4
BT_SECURITY_HIGH = 3
BT_SECURITY_LOW = 1
BT_SECURITY_MEDIUM = 2
BT_SECURITY_SDP = 0
BT_SNDMTU = 12
BT_VOICE = 11
BT_VOICE_CVSD_16BIT = 96
BT_VOICE_TRANSPARENT = 3
BT_VOICE_TRANSPARENT_16BIT = 99
HCI_CHANNEL_CONTROL = 3
HCI_CHANNEL_LOGGING = 4
HCI_CHANNEL_MONITOR = 2
HCI_CHANNEL_RAW = 0
HCI_CHANNEL_USER = 1
HCI_DATA_DIR = 1
HCI_DEV_NONE = 0xffff
HCI_FILTER = 2
HCI_TIME_STAMP = 3
L2CAP_LM = 3
L2CAP_LM_AUTH = 2
L2CAP_LM_ENCRYPT = 4
L2CAP_LM_MASTER = 1
L2CAP_LM_RELIABLE = 16
L2CAP_LM_SECURE = 32
L2CAP_LM_TRUSTED = 8
SOL_BLUETOOTH = 274
SOL_HCI = 0
SOL_L2CAP = 6
SOL_RFCOMM = 18
SOL_SCO = 17

# UDP/other SOL_* levels
SOL_ALG = 279
SOL_ATALK = 258
SOL_AX25 = 257
SOL_CAN_BASE = 100
SOL_CAN_RAW = 101
SOL_IP = 0
SOL_IPX = 256
SOL_NETROM = 259
SOL_RDS = 276
SOL_ROSE = 260
SOL_TCP = 6
SOL_TIPC = 271
SOL_UDP = 17
UDPLITE_RECV_CSCOV = 11
UDPLITE_SEND_CSCOV = 10

# CAN bus CAN_*/J1939_*
CAN_BCM = 2
CAN_BCM_CAN_FD_FRAME = 2048
CAN_BCM_RX_ANNOUNCE_RESUME = 256
CAN_BCM_RX_CHANGED = 12
CAN_BCM_RX_CHECK_DLC = 64
CAN_BCM_RX_DELETE = 6
CAN_BCM_RX_FILTER_ID = 32
CAN_BCM_RX_NO_AUTOTIMER = 128
CAN_BCM_RX_READ = 7
CAN_BCM_RX_RTR_FRAME = 1024
CAN_BCM_RX_SETUP = 5
CAN_BCM_RX_STATUS = 10
CAN_BCM_RX_TIMEOUT = 11
CAN_BCM_SETTIMER = 1
CAN_BCM_STARTTIMER = 2
CAN_BCM_TX_ANNOUNCE = 8
CAN_BCM_TX_COUNTEVT = 4
CAN_BCM_TX_CP_CAN_ID = 16
CAN_BCM_TX_DELETE = 2
CAN_BCM_TX_EXPIRED = 9
CAN_BCM_TX_READ = 3
CAN_BCM_TX_RESET_MULTI_IDX = 512
CAN_BCM_TX_SEND = 4
CAN_BCM_TX_SETUP = 1
CAN_BCM_TX_STATUS = 8
CAN_EFF_FLAG = 0x80000000
CAN_EFF_MASK = 0x1fffffff
CAN_ERR_FLAG = 0x20000000
CAN_ERR_MASK = 0x1fffffff
CAN_ISOTP = 6
CAN_J1939 = 7
CAN_RAW = 1
CAN_RAW_ERR_FILTER = 2
CAN_RAW_FD_FRAMES = 5
CAN_RAW_FILTER = 1
CAN_RAW_JOIN_FILTERS = 6
CAN_RAW_LOOPBACK = 3
CAN_RAW_RECV_OWN_MSGS = 4
CAN_RTR_FLAG = 0x40000000
CAN_SFF_MASK = 0x7ff
J1939_EE_INFO_NONE = 0
J1939_EE_INFO_TX_ABORT = 1
J1939_FILTER_MAX = 512
J1939_IDLE_ADDR = 254
J1939_MAX_UNICAST_ADDR = 253
J1939_NLA_BYTES_ACKED = 1
J1939_NLA_PAD = 0
J1939_NO_ADDR = 255
J1939_NO_NAME = 0
J1939_NO_PGN = 0x40000
J1939_PGN_ADDRESS_CLAIMED = 0xee00
J1939_PGN_ADDRESS_COMMANDED = 0xfed8
J1939_PGN_MAX = 0x3ffff
J1939_PGN_PDU1_MAX = 0x3ff00
J1939_PGN_REQUEST = 0xea00
SCM_J1939_DEST_ADDR = 1
SCM_J1939_DEST_NAME = 2
SCM_J1939_ERRQUEUE = 4
SCM_J1939_PRIO = 3

# Netlink NETLINK_*
NETLINK_CRYPTO = 21
NETLINK_DNRTMSG = 14
NETLINK_FIREWALL = 3
NETLINK_IP6_FW = 13
NETLINK_NFLOG = 5
NETLINK_ROUTE = 0
NETLINK_USERSOCK = 2
NETLINK_XFRM = 6

# Packet/Ethernet PACKET_*/ETH*
ETHERTYPE_ARP = 0x806
ETHERTYPE_IP = 0x800
ETHERTYPE_IPV6 = 0x86dd
ETHERTYPE_VLAN = 0x8100
ETH_P_ALL = 3
PACKET_BROADCAST = 1
PACKET_FASTROUTE = 6
PACKET_HOST = 0
PACKET_LOOPBACK = 5
PACKET_MULTICAST = 2
PACKET_OTHERHOST = 3
PACKET_OUTGOING = 4

# TIPC_*
TIPC_ADDR_ID = 3
TIPC_ADDR_NAME = 2
TIPC_ADDR_NAMESEQ = 1
TIPC_CFG_SRV = 0
TIPC_CLUSTER_SCOPE = 2
TIPC_CONN_TIMEOUT = 130
TIPC_CRITICAL_IMPORTANCE = 3
TIPC_DEST_DROPPABLE = 129
TIPC_HIGH_IMPORTANCE = 2
TIPC_IMPORTANCE = 127
TIPC_LOW_IMPORTANCE = 0
TIPC_MEDIUM_IMPORTANCE = 1
TIPC_NODE_SCOPE = 3
TIPC_PUBLISHED = 1
TIPC_SRC_DROPPABLE = 128
TIPC_SUBSCR_TIMEOUT = 3
TIPC_SUB_CANCEL = 4
TIPC_SUB_PORTS = 1
TIPC_SUB_SERVICE = 2
TIPC_TOP_SRV = 1
TIPC_WAIT_FOREVER = -1
TIPC_WITHDRAWN = 2
TIPC_ZONE_SCOPE = 1

# AF_ALG ALG_*
ALG_OP_DECRYPT = 0
ALG_OP_ENCRYPT = 1
ALG_OP_SIGN = 2
ALG_OP_VERIFY = 3
ALG_SET_AEAD_ASSOCLEN = 4
ALG_SET_AEAD_AUTHSIZE = 5
ALG_SET_IV = 2
ALG_SET_KEY = 1
ALG_SET_OP = 3
ALG_SET_PUBKEY = 6

# VSOCK VMADDR_*/SO_VM_*/IOCTL_VM*
IOCTL_VM_SOCKETS_GET_LOCAL_CID = 1977
SO_VM_SOCKETS_BUFFER_MAX_SIZE = 2
SO_VM_SOCKETS_BUFFER_MIN_SIZE = 1
SO_VM_SOCKETS_BUFFER_SIZE = 0
VMADDR_CID_ANY = 0xffffffff
VMADDR_CID_HOST = 2
VMADDR_CID_LOCAL = 1
VMADDR_PORT_ANY = 0xffffffff

# RDS_*
RDS_CANCEL_SENT_TO = 1
RDS_CMSG_RDMA_ARGS = 1
RDS_CMSG_RDMA_DEST = 2
RDS_CMSG_RDMA_MAP = 3
RDS_CMSG_RDMA_STATUS = 4
RDS_CONG_MONITOR = 6
RDS_FREE_MR = 3
RDS_GET_MR = 2
RDS_GET_MR_FOR_DEST = 7
RDS_RDMA_DONTWAIT = 16
RDS_RDMA_FENCE = 2
RDS_RDMA_INVALIDATE = 4
RDS_RDMA_NOTIFY_ME = 32
RDS_RDMA_READWRITE = 1
RDS_RDMA_SILENT = 64
RDS_RDMA_USE_ONCE = 8
RDS_RECVERR = 5

# Misc
IPX_TYPE = 1
VM_SOCKETS_INVALID_VERSION = 0xffffffff


# ---------------------------------------------------------------------------
# Exceptions, module data

error = OSError
timeout = TimeoutError
has_ipv6 = True


class herror(OSError):
    """Raised by the gethostby* functions: ``herror(h_errno, message)``."""
    __module__ = 'socket'


class gaierror(OSError):
    """Raised by getaddrinfo() and getnameinfo(): ``gaierror(EAI_*, message)``."""
    __module__ = 'socket'


_AncillaryItem = _wsock.AncillaryItem
_SockoptInt = _wsock.SockoptValue_Int
_SockoptBytes = _wsock.SockoptValue_Bytes
_SockoptNull = _wsock.SockoptValue_Null
_AddrInet = _wtypes.Address_Inet
_AddrInet6 = _wtypes.Address_Inet6
_AddrUnix = _wtypes.Address_Unix
_InetAddress = _wtypes.InetAddress
_Inet6Address = _wtypes.Inet6Address
_E_Os = _wtypes.Error_Os
_E_Timeout = _wtypes.Error_Timeout
_E_Gai = _wtypes.Error_Gai
_E_Host = _wtypes.Error_Host
_E_Invalid = _wtypes.Error_Invalid
_E_Overflow = _wtypes.Error_Overflow
_ECONNRESET = _wtypes.Errno.ECONNRESET
_ENOENT = _wtypes.Errno.ENOENT
_EBADF = _wtypes.Errno.EBADF
_ENOTSOCK = _wtypes.Errno.ENOTSOCK

_MISSING = object()
# {descriptor: its timeout in the host} for the one descriptor that _accept
# returned last, until an object takes it or the number is closed or reused.
_accepted = {}
_INT_MIN = -0x80000000
_INT_MAX = 0x7FFFFFFF
_LONG_MIN = -(1 << 63)
_LONG_MAX = (1 << 63) - 1
_U32_MAX = 0xFFFFFFFF
_SOCKLEN_LIMIT = 0x7FFFFFFF  # CPython's SOCKLEN_T_LIMIT
_CMSG_HDR = 16               # sizeof(struct cmsghdr) on x86-64; CMSG_ALIGN is 8
_AF_UNIX_PATH_MAX = 108      # sizeof(sockaddr_un.sun_path)

# ---------------------------------------------------------------------------
# Host errors -> Python exceptions
#
# The WIT sends errno *names*. A name is turned into this interpreter's own
# number (wasm32-wasi numbers differ from Linux's), so OSError(number, message)
# selects the subclass CPython would. A name this interpreter's errno module
# lacks (e.g. ESHUTDOWN, ETOOMANYREFS, EHOSTDOWN on WASI), and `unknown`, has
# no number that would mean anything here: it is raised as
# ``<subclass CPython would pick for that name>(message)``, i.e. with
# ``errno`` None and the host's message (which names the error) as its text.

_SUBCLASS_BY_NAME = {
    'EAGAIN': BlockingIOError, 'EALREADY': BlockingIOError,
    'EINPROGRESS': BlockingIOError, 'ECHILD': ChildProcessError,
    'EPIPE': BrokenPipeError, 'ESHUTDOWN': BrokenPipeError,
    'ECONNABORTED': ConnectionAbortedError,
    'ECONNREFUSED': ConnectionRefusedError,
    'ECONNRESET': ConnectionResetError, 'EEXIST': FileExistsError,
    'ENOENT': FileNotFoundError, 'EISDIR': IsADirectoryError,
    'ENOTDIR': NotADirectoryError, 'EINTR': InterruptedError,
    'EACCES': PermissionError, 'EPERM': PermissionError,
    'ESRCH': ProcessLookupError, 'ETIMEDOUT': TimeoutError,
}


def _errno_tables():
    numbers = {}
    fallback = {}
    for member in _wtypes.Errno:
        number = getattr(_errno, member.name, None)
        if number is None:
            fallback[member] = _SUBCLASS_BY_NAME.get(member.name, OSError)
        else:
            numbers[member] = number
    return numbers, fallback


_ERRNO_NUMBER, _ERRNO_FALLBACK = _errno_tables()
del _errno_tables

# Linux x86-64 errno numbers. They reach the guest as plain integers in one
# place only: getsockopt(SOL_SOCKET, SO_ERROR), which is translated to the
# guest's own numbering so `errno.ECONNREFUSED` comparisons hold.
_LINUX_ERRNO_NAMES = {
    1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO',
    7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN',
    12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST',
    18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
    23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 27: 'EFBIG', 28: 'ENOSPC',
    29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
    34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK',
    38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM',
    60: 'ENOSTR', 61: 'ENODATA', 62: 'ETIME', 63: 'ENOSR', 67: 'ENOLINK',
    71: 'EPROTO', 74: 'EBADMSG', 75: 'EOVERFLOW', 84: 'EILSEQ',
    88: 'ENOTSOCK', 89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 91: 'EPROTOTYPE',
    92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT', 94: 'ESOCKTNOSUPPORT',
    95: 'EOPNOTSUPP', 96: 'EPFNOSUPPORT', 97: 'EAFNOSUPPORT',
    98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
    101: 'ENETUNREACH', 102: 'ENETRESET', 103: 'ECONNABORTED',
    104: 'ECONNRESET', 105: 'ENOBUFS', 106: 'EISCONN', 107: 'ENOTCONN',
    108: 'ESHUTDOWN', 109: 'ETOOMANYREFS', 110: 'ETIMEDOUT',
    111: 'ECONNREFUSED', 112: 'EHOSTDOWN', 113: 'EHOSTUNREACH',
    114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 122: 'EDQUOT',
    125: 'ECANCELED', 130: 'EOWNERDEAD', 131: 'ENOTRECOVERABLE',
}


def _guest_errno(linux_number):
    """The guest's number for a Linux errno (unchanged if it has no such name)."""
    name = _LINUX_ERRNO_NAMES.get(linux_number)
    return getattr(_errno, name, linux_number) if name else linux_number


def _exc(error):
    """The exception CPython raises for the host error ``error`` (a ``types.Error`` case)."""
    kind = error.__class__
    if kind is _E_Os:
        os_error = error.value
        number = _ERRNO_NUMBER.get(os_error.code)
        if number is not None:
            return OSError(number, os_error.message)
        return _ERRNO_FALLBACK.get(os_error.code, OSError)(os_error.message)
    if kind is _E_Timeout:
        return TimeoutError('timed out')
    if kind is _E_Gai:
        return gaierror(error.value.code, error.value.message)
    if kind is _E_Host:
        return herror(error.value.code, error.value.message)
    if kind is _E_Invalid:
        return ValueError(error.value)
    if kind is _E_Overflow:
        return OverflowError(error.value)
    return RuntimeError(f"pysocket host reported an error this guest does not know: {error!r}")


def _netdb_exc(error):
    """getservby*/getprotobyname: CPython raises a bare ``OSError(message)`` for "not found"."""
    if error.__class__ is _E_Os and error.value.code is _ENOENT:
        return OSError(error.value.message)
    return _exc(error)


def _not_a_socket(fd, error):
    """What ``socket(fileno=fd)`` reports when the host has no socket ``fd``.

    The host answers EBADF for a number it has not handed out; if the number
    is one of the guest's own WASI descriptors (a file, stdin), it names an
    open file that is not a socket, for which Linux says ENOTSOCK.
    """
    if error.__class__ is _E_Os and error.value.code is _EBADF:
        try:
            _os.fstat(fd)
        except OSError:
            return error
        return _E_Os(_wtypes.OsError(_ENOTSOCK, _os.strerror(_errno.ENOTSOCK)))
    return error


def _reported_by_close(error):
    """Whether close() reports ``error``: CPython ignores ECONNRESET from
    close() (bpo-30319), the only error Linux gives for sockets in practice."""
    return error.__class__ is not _E_Os or error.value.code is not _ECONNRESET


def _ebadf():
    return OSError(_errno.EBADF, _os.strerror(_errno.EBADF))


# The descriptor a closed or detached object calls the host with: a number
# the host never hands out, so every call fails with EBADF there, as every
# system call on descriptor -1 does in CPython (fileno() still answers -1).
_NO_FD = 0xFFFFFFFF

# ---------------------------------------------------------------------------
# Argument conversion with CPython's messages (only reached for arguments that
# are not already plain ints / bytes of the right range)


def _arg_i(value):
    """PyArg_Parse format ``i``."""
    value = _index(value)
    if value > _INT_MAX:
        if value > _LONG_MAX:
            raise OverflowError("Python int too large to convert to C long")
        raise OverflowError("signed integer is greater than maximum")
    if value < _INT_MIN:
        if value < _LONG_MIN:
            raise OverflowError("Python int too large to convert to C long")
        raise OverflowError("signed integer is less than minimum")
    return value


def _as_int(value):
    """PyLong_AsInt (Argument Clinic's ``int``)."""
    value = _index(value)
    if _INT_MIN <= value <= _INT_MAX:
        return value
    raise OverflowError("Python int too large to convert to C int")


def _as_ssize(value):
    """PyArg_Parse format ``n``."""
    value = _index(value)
    if _LONG_MIN <= value <= _LONG_MAX:
        return value
    raise OverflowError("Python int too large to convert to C ssize_t")


def _as_long(value):
    """PyLong_AsLong (how CPython reads a descriptor number)."""
    value = _index(value)
    if _LONG_MIN <= value <= _LONG_MAX:
        return value
    raise OverflowError("Python int too large to convert to C long")


def _as_unsigned(value, maximum, ctype):
    """Argument Clinic's unsigned converters (uint16, uint32, unsigned int)."""
    value = _index(value)
    if value < 0:
        raise ValueError("Cannot convert negative int")
    if value > maximum:
        raise OverflowError(f"Python int too large for C {ctype}")
    return value


def _bufsize(value, message):
    """A recv* size (format ``n``): negative is ValueError(message).

    Sizes above what a WIT ``u32`` holds are asked for as 4 GiB - 1: recv
    returns *up to* the size, so that is still what CPython would return.
    """
    value = _as_ssize(value)
    if value < 0:
        raise ValueError(message)
    return value if value <= _U32_MAX else _U32_MAX


def _bytes_arg(data):
    """A ``y*``/Py_buffer argument as ``bytes`` (the WIT ``list<u8>``)."""
    if data.__class__ is bytearray:
        return bytes(data)
    try:
        view = memoryview(data)
    except TypeError:
        view = None
    if view is None:
        raise TypeError(f"a bytes-like object is required, not '{data.__class__.__name__}'")
    with view:
        if not view.c_contiguous:
            raise BufferError("memoryview: underlying buffer is not C-contiguous")
        return view.tobytes()


def _payload(data):
    """A ``y*`` (bytes-like) argument as the WIT ``payload``: a str with one
    character per byte (see ``types.wit`` for why it is not ``list<u8>``)."""
    try:
        return str(data, 'latin-1')
    except TypeError:
        pass
    # Not a buffer (or not a contiguous one): CPython's exact error, raised
    # outside the handler so that nothing is chained to it.
    return str(_bytes_arg(data), 'latin-1')


def _writable(buffer):
    """A flat writable byte view of a ``w*`` argument, or None if it has none.

    The caller releases the view (so a bytearray can be resized afterwards).
    """
    try:
        view = memoryview(buffer)
    except TypeError:
        return None
    if view.readonly or not view.c_contiguous:
        view.release()
        return None
    if view.ndim != 1 or view.format != 'B':
        flat = view.cast('B')
        view.release()
        return flat
    return view


def _str_arg(value, func, position):
    """PyArg_Parse format ``s``."""
    if not isinstance(value, str):
        got = 'None' if value is None else value.__class__.__name__
        raise TypeError(f"{func}() argument {position} must be str, not {got}")
    if '\0' in value:
        raise ValueError("embedded null character")
    if not value.isascii():
        value.encode('utf-8')  # lone surrogates raise UnicodeEncodeError, as in CPython
    return str(value)


def _to_ns(value, unit):
    """CPython's pytime_from_object: seconds (unit 10**9) or milliseconds
    (unit 10**6) as integer nanoseconds, rounded away from zero."""
    if isinstance(value, float):
        if value != value:
            raise ValueError("Invalid value NaN (not a number)")
        ns = value * unit
        if not -9.223372036854775808e18 <= ns < 9.223372036854775808e18:
            raise OverflowError("timestamp out of range for platform time_t")
        return _ceil(ns) if ns >= 0.0 else _floor(ns)
    count = _index(value)
    if _LONG_MIN <= count <= _LONG_MAX:
        ns = count * unit
        if _LONG_MIN <= ns <= _LONG_MAX:
            return ns
    raise OverflowError("timestamp too large to convert to C PyTime_t")


def _timeout_arg(value):
    """socket_parse_timeout: None (blocking) or nanoseconds >= 0."""
    if value is None:
        return None
    ns = _to_ns(value, 1_000_000_000)
    if ns < 0:
        raise ValueError("Timeout value out of range")
    return ns


def _seconds(ns):
    """PyTime_AsSecondsDouble, with None for "no timeout"."""
    if ns is None:
        return None
    if ns % 1_000_000_000:
        return ns / 1e9
    return float(ns // 1_000_000_000)


_default_timeout = None  # nanoseconds or None, like CPython's state->defaulttimeout

# ---------------------------------------------------------------------------
# Host names


def _decode_host(raw):
    """A bytes host name as the WIT string. Undecodable bytes cannot name any
    host the resolver would find: CPython's getaddrinfo fails with EAI_NONAME."""
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        pass
    raise gaierror(EAI_NONAME, 'Name or service not known')


def _host_arg(host):
    """CPython's idna_converter: the host of an AF_INET/AF_INET6 address."""
    if host.__class__ is str and host.isascii():
        if '\0' in host:
            raise TypeError("host name must not contain null character")
        return host
    if isinstance(host, str):
        try:
            encoded = host.encode('idna')
        except UnicodeError:
            encoded = None
        if encoded is None:
            raise TypeError("encoding of hostname failed")
        if 0 in encoded:
            raise TypeError("host name must not contain null character")
        return encoded.decode('ascii')
    if isinstance(host, (bytes, bytearray)):
        if 0 in host:
            raise TypeError("host name must not contain null character")
        return _decode_host(host)
    raise TypeError(f"str, bytes or bytearray expected, not {host.__class__.__name__}")


def _idna(host):
    """``host.encode('idna')`` as text. ASCII names that the codec returns
    unchanged (no empty label but the last, no label of 64+ characters) skip
    the codec, and so the import of ``encodings.idna``."""
    if (host.__class__ is str and host.isascii() and '..' not in host
            and host[:1] != '.'
            and (len(host) < 64 or max(map(len, host.split('.'))) < 64)):
        return host
    return host.encode('idna').decode('ascii')


def _et_idna(value, func):
    """PyArg_Parse format ``et`` with the "idna" encoding, as text."""
    if isinstance(value, str):
        name = _idna(value)
        if '\0' in name:
            raise TypeError(
                f"{func}() argument 1 must be encoded string without null bytes, not str")
        return name
    if isinstance(value, (bytes, bytearray)):
        if 0 in value:
            raise TypeError(f"{func}() argument 1 must be encoded string without "
                            f"null bytes, not {value.__class__.__name__}")
        return _decode_host(value)
    raise TypeError(f"{func}() argument 1 must be str, bytes or bytearray, "
                    f"not {value.__class__.__name__}")

# ---------------------------------------------------------------------------
# Socket addresses


def _port_arg(port, caller):
    if port.__class__ is not int:
        port = _index(port)
    if 0 <= port <= 0xFFFF:
        return port
    raise OverflowError(f"{caller}(): port must be 0-65535.")


# The last (family, address) converted by _sockaddr and its WIT address:
# a datagram socket usually sends to the same address again and again, and
# building the WIT records costs two Python-level __init__ calls (about
# 1 µs in the guest). Only exact (str, int) tuples are remembered, so
# equality cannot mistake one argument for another (1.0 == 1, b'a' != 'a').
_sockaddr_memo = [None, None]


def _sockaddr(family, address, caller):
    """CPython's getsockaddrarg: a Python address as a WIT ``address``."""
    if not (address.__class__ is tuple and len(address) == 2
            and address[0].__class__ is str and address[1].__class__ is int):
        return _sockaddr_convert(family, address, caller)
    memo = _sockaddr_memo
    key = memo[0]
    if key is not None and key[0] == family and key[1] == address:
        return memo[1]
    converted = _sockaddr_convert(family, address, caller)
    memo[0] = (family, address)
    memo[1] = converted
    return converted


def _sockaddr_convert(family, address, caller):
    if family == AF_INET:
        if not isinstance(address, tuple):
            raise TypeError(f"{caller}(): AF_INET address must be tuple, "
                            f"not {address.__class__.__name__}")
        if len(address) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        host = _host_arg(address[0])
        port = address[1]
        if port.__class__ is not int:
            port = _index(port)
        if 0 <= port <= 0xFFFF:
            return _AddrInet(_InetAddress(host, port))
        raise OverflowError(f"{caller}(): port must be 0-65535.")
    if family == AF_INET6:
        if not isinstance(address, tuple):
            raise TypeError(f"{caller}(): AF_INET6 address must be tuple, "
                            f"not {address.__class__.__name__}")
        size = len(address)
        if not 2 <= size <= 4:
            raise TypeError("AF_INET6 address must be a tuple "
                            "(host, port[, flowinfo[, scopeid]])")
        host = _host_arg(address[0])
        port = address[1]
        if port.__class__ is not int:
            port = _index(port)
        flowinfo = _index(address[2]) & _U32_MAX if size > 2 else 0
        scope_id = _index(address[3]) & _U32_MAX if size > 3 else 0
        if not 0 <= port <= 0xFFFF:
            raise OverflowError(f"{caller}(): port must be 0-65535.")
        if flowinfo > 0xFFFFF:
            raise OverflowError(f"{caller}(): flowinfo must be 0-1048575.")
        return _AddrInet6(_Inet6Address(host, port, flowinfo, scope_id))
    if family == AF_UNIX:
        if isinstance(address, str):
            path = _os.fsencode(address)
        elif address.__class__ is bytes:
            path = address
        else:
            path = _bytes_arg(address)
        if not path or path[0] == 0:
            # Linux abstract namespace (or autobind for an empty name)
            if len(path) > _AF_UNIX_PATH_MAX:
                raise OSError("AF_UNIX path too long")
        elif len(path) >= _AF_UNIX_PATH_MAX:
            raise OSError("AF_UNIX path too long")
        elif path[0] != 0x2F:  # b'/'
            path = _absolute_unix_path(path)
        return _AddrUnix(path)
    raise OSError(f"{caller}(): bad family")


# {absolute path: the relative path it was given as} for AF_UNIX paths this
# guest named relative to its working directory (newest last, bounded).
_relative_unix_paths = {}
_RELATIVE_UNIX_PATHS_KEPT = 1024


def _absolute_unix_path(path):
    """A relative AF_UNIX path (bytes) resolved against the working directory.

    The kernel resolves a relative ``sun_path`` against the caller's working
    directory. The host cannot: a guest's working directory lives in the
    guest's libc. So the shim sends the absolute path (which the policy
    checks against ``--allow-unix``) and remembers the path as given, which
    ``getsockname()``/``getpeername()``/``recvfrom()`` report, as Linux does.
    """
    absolute = _os.path.normpath(_os.path.join(_os.getcwdb(), path))
    kept = _relative_unix_paths
    kept.pop(absolute, None)
    kept[absolute] = path
    if len(kept) > _RELATIVE_UNIX_PATHS_KEPT:
        del kept[next(iter(kept))]
    return absolute


def _sockaddr_out(address):
    """CPython's makesockaddr: a WIT ``address`` (or none) as Python's."""
    kind = address.__class__
    if kind is _AddrInet:
        value = address.value
        return (value.host, value.port)
    if kind is _AddrInet6:
        value = address.value
        return (value.host, value.port, value.flowinfo, value.scope_id)
    if address is None:
        return None
    path = address.value
    if path[:1] == b'\0':
        return bytes(path)          # abstract name: bytes, NUL included
    end = path.find(b'\0')
    if end >= 0:
        path = path[:end]
    return _os.fsdecode(_relative_unix_paths.get(path, path))

# ---------------------------------------------------------------------------
# Ancillary data


def _cmsg_space(length):
    return _CMSG_HDR + ((length + 7) & ~7)


def _close_fds(data):
    """Close descriptors of SCM_RIGHTS data that did not fit the caller's buffer."""
    for start in range(0, len(data) - 3, 4):
        error = None
        try:
            _wsock.close(int.from_bytes(data[start:start + 4], 'little'))
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)


def _ancillary(items, room, flags):
    """What recvmsg returns for the host's ancillary ``items`` given a control
    buffer of ``room`` bytes: Linux's put_cmsg()/scm_detach_fds() rules.

    An item whose header does not fit is dropped; an item whose data does not
    fit is cut to the room left; SCM_RIGHTS keeps the descriptors that fit
    (and closes the others). Each cut sets MSG_CTRUNC. Items the host already
    fitted to ``room`` pass unchanged.
    """
    out = []
    for item in items:
        level = item.level
        kind = item.kind
        data = item.data
        if level == SOL_SOCKET and kind == SCM_RIGHTS:
            count = len(data) >> 2
            fit = (room - _CMSG_HDR) >> 2 if room > _CMSG_HDR else 0
            if fit < count:
                flags |= MSG_CTRUNC
                _close_fds(data[fit * 4:count * 4])
                if fit == 0:
                    continue
                data = data[:fit * 4]
            out.append((level, kind, bytes(data)))
            room -= min(room, _cmsg_space(len(data)))
            continue
        if room < _CMSG_HDR:
            flags |= MSG_CTRUNC
            continue
        space = _cmsg_space(len(data))
        if room < _CMSG_HDR + len(data):
            flags |= MSG_CTRUNC
            data = data[:room - _CMSG_HDR]
        out.append((level, kind, bytes(data)))
        room -= min(room, space)
    return out, flags


def _ancillary_arg(ancdata):
    """sendmsg()'s ancdata: an iterable of (level, type, bytes-like)."""
    try:
        items = iter(ancdata)
    except TypeError:
        items = None
    if items is None:
        raise TypeError("sendmsg() argument 2 must be an iterable")
    where = "[sendmsg() ancillary data items]()"
    out = []
    total = 0
    for item in list(items):
        if (isinstance(item, (str, bytes, bytearray, dict))
                or not hasattr(item, '__len__') or not hasattr(item, '__getitem__')):
            raise TypeError(f"{where} argument must be 3-item sequence, "
                            f"not {item.__class__.__name__}")
        if len(item) != 3:
            raise TypeError(f"{where} argument must be sequence of length 3, "
                            f"not {len(item)}")
        level = _arg_i(item[0])
        kind = _arg_i(item[1])
        data = item[2]
        if data.__class__ is not bytes:
            data = _bytes_arg(data)
        if len(data) > _SOCKLEN_LIMIT - _cmsg_space(1):
            raise OSError("ancillary data item too large")
        total += _cmsg_space(len(data))
        if total > _SOCKLEN_LIMIT:
            raise OSError("too much ancillary data")
        out.append(_AncillaryItem(level, kind, data))
    return out


def _buffers_arg(buffers):
    """sendmsg()'s buffers: an iterable of bytes-like objects, as payloads."""
    try:
        items = iter(buffers)
    except TypeError:
        items = None
    if items is None:
        raise TypeError("sendmsg() argument 1 must be an iterable")
    return [_payload(item) for item in list(items)]

# ---------------------------------------------------------------------------
# The socket type


def _recv_target(buffer, method):
    """``(view, target)`` for a ``w*`` argument of recv_into/recvfrom_into:
    bytearrays and flat byte memoryviews are written in place (``view`` is
    None; what SocketIO.readinto passes); others through a view the caller
    releases."""
    kind = buffer.__class__
    if kind is bytearray or (kind is memoryview and buffer.ndim == 1 and buffer.format == 'B'
                             and not buffer.readonly and buffer.c_contiguous):
        return None, buffer
    view = _writable(buffer)
    if view is None:
        raise TypeError(f"{method}() argument 1 must be read-write bytes-like "
                        f"object, not {kind.__name__}")
    return view, view


def _store(target, data, nbytes):
    """Copies received ``data`` into ``target``; returns the length the OS
    reported (with MSG_TRUNC a datagram's real length, of which only
    ``nbytes`` fit)."""
    received = len(data)
    if received > nbytes:
        target[:nbytes] = data[:nbytes]
    else:
        target[:received] = data
    return received


class _ImmutableType(type):
    """The metaclass of ``_socket.socket``: like CPython's static type, it
    refuses attribute assignment and deletion on the class itself
    (``TypeError: cannot set 'x' attribute of immutable type
    '_socket.socket'``), while subclasses (``socket.socket`` in
    ``Lib/socket.py``) stay ordinary, mutable classes."""

    def __setattr__(cls, name, value):
        if cls is socket:
            raise TypeError(f"cannot set {name!r} attribute of immutable type '_socket.socket'")
        type.__setattr__(cls, name, value)

    def __delattr__(cls, name):
        if cls is socket:
            raise TypeError(f"cannot delete {name!r} attribute of immutable type '_socket.socket'")
        type.__delattr__(cls, name)


class socket(metaclass=_ImmutableType):
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0) -> socket object
socket(family=-1, type=-1, proto=-1, fileno=None) -> socket object

Open a socket of the given type.  The family argument specifies the
address family; it defaults to AF_INET.  The type argument specifies
whether this is a stream (SOCK_STREAM, this is the default)
or datagram (SOCK_DGRAM) socket.  The protocol argument defaults to 0,
specifying the default protocol.  Keyword arguments are accepted.

When a fileno is passed in, family, type and proto are auto-detected,
unless they are explicitly set.

A pysocket socket: the operations are carried out by the host, see the
module docstring."""

    __module__ = '_socket'
    # _fd: the host's descriptor number (_NO_FD once closed or detached);
    # _timeout: nanoseconds or None. No __new__ sets them (a Python __new__
    # costs 1.5 µs in the guest, a tenth of socket() + close()): __init__
    # does. __del__ and __repr__ may meet an object whose __init__ failed,
    # and read them with getattr; other methods of such an object raise
    # AttributeError.
    __slots__ = ('_fd', '_family', '_type', '_proto', '_timeout')

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if family.__class__ is not int:
            family = _as_int(family)
        if type.__class__ is not int:
            type = _as_int(type)
        if proto.__class__ is not int:
            proto = _as_int(proto)
        if fileno is None:
            if family == -1:
                family = AF_INET
            if type == -1:
                type = SOCK_STREAM
            if proto == -1:
                proto = 0
            error = None
            try:
                fd = _wsock.create(family, type, proto)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            current = 0 if type & SOCK_NONBLOCK else None
        else:
            fd = _as_long(fileno)
            if fd < 0:
                raise ValueError("negative file descriptor")
            if fd >= _NO_FD:
                raise _ebadf()
            current = _accepted.pop(fd, _MISSING)
            if current is _MISSING or -1 in (family, type, proto):
                error = None
                try:
                    info = _wsock.info(fd)
                except _Err as e:
                    error = e.value
                if error is not None:
                    # CPython leaves the caller's descriptor open on this failure.
                    raise _exc(_not_a_socket(fd, error))
                if family == -1:
                    family = info.family
                if type == -1:
                    type = info.socket_type
                if proto == -1:
                    proto = info.proto
                current = info.timeout
        timeout = 0 if type & SOCK_NONBLOCK else _default_timeout
        if timeout != current:
            error = None
            try:
                _wsock.set_timeout(fd, timeout)
            except _Err as e:
                error = e.value
            if error is not None:
                if fileno is None:
                    _close_quietly(fd)
                raise _exc(error)
        # Calling __init__ again on a live object does not close its old
        # descriptor, as in CPython (the instance's exit still does).
        self._fd = fd
        self._family = family
        self._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
        self._proto = proto
        self._timeout = timeout

    family = property(lambda self: self._family, doc="the socket family")
    type = property(lambda self: self._type, doc="the socket type")
    proto = property(lambda self: self._proto, doc="the socket protocol")
    timeout = property(lambda self: _seconds(self._timeout), doc="the socket timeout")

    def __repr__(self):
        return (f"<socket object, fd={self.fileno()}, family={getattr(self, '_family', 0)}, "
                f"type={getattr(self, '_type', 0)}, proto={getattr(self, '_proto', 0)}>")

    def __getstate__(self):
        raise TypeError(f"cannot pickle {self.__class__.__name__!r} object")

    def __del__(self, _NO_FD=_NO_FD, _warn=_warn):
        # (globals bound as defaults: they may be gone at interpreter exit)
        if getattr(self, '_fd', _NO_FD) != _NO_FD:
            try:
                _warn(f"unclosed {self!r}", ResourceWarning, 1, self)
            finally:
                fd = self._fd
                self._fd = _NO_FD
                _close_quietly(fd)

    # -- descriptor ------------------------------------------------------

    def fileno(self):
        """fileno() -> integer

Return the integer file descriptor of the socket."""
        fd = self._fd
        return -1 if fd == _NO_FD else fd

    def close(self):
        """close()

Close the socket.  It cannot be used after this call."""
        fd = self._fd
        if fd == _NO_FD:
            return
        self._fd = _NO_FD
        # CPython ignores ECONNRESET from close() (bpo-30319), the only error
        # Linux gives for sockets in practice; EBADF means the number was
        # closed behind the object's back (by _socket.close), which
        # CPython reports.
        error = None
        try:
            _wsock.close(fd)
        except _Err as e:
            error = e.value
        if error is not None and _reported_by_close(error):
            raise _exc(error)

    def detach(self):
        """detach()

Close the socket object without closing the underlying file descriptor.
The object cannot be used after this call, but the file descriptor
can be reused for other purposes.  The file descriptor is returned."""
        fd = self._fd
        self._fd = _NO_FD
        return -1 if fd == _NO_FD else fd

    # -- connection setup ------------------------------------------------

    def bind(self, address, /):
        """bind(address)

Bind the socket to a local address."""
        address = _sockaddr(self._family, address, "bind")
        error = None
        try:
            _wsock.bind(self._fd, address)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def listen(self, backlog=min(SOMAXCONN, 128), /):
        """listen([backlog])

Enable a server to accept connections."""
        backlog = _arg_i(backlog)
        error = None
        try:
            _wsock.listen(self._fd, backlog if backlog > 0 else 0)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def _accept(self):
        """_accept() -> (integer, address info)

Wait for an incoming connection.  Return a new socket file descriptor
representing the connection, and the address of the client."""
        error = None
        try:
            fd, address = _wsock.accept(self._fd)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        # socket.py wraps the number at once with family, type and proto
        # given: the timeout of a new descriptor is known (none), so that
        # needs no info() call.
        _accepted.clear()
        _accepted[fd] = None
        return fd, _sockaddr_out(address)

    def connect(self, address, /):
        """connect(address)

Connect the socket to a remote address."""
        address = _sockaddr(self._family, address, "connect")
        error = None
        try:
            _wsock.connect(self._fd, address)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def connect_ex(self, address, /):
        """connect_ex(address) -> errno

This is like connect(address), but returns an error code (the errno value)
instead of raising an exception when an error occurs."""
        address = _sockaddr(self._family, address, "connect_ex")
        if self._fd == _NO_FD:
            return _errno.EBADF
        try:
            _wsock.connect(self._fd, address)
            return 0
        except _Err as e:
            error = e.value
        kind = error.__class__
        if kind is _E_Os:
            number = _ERRNO_NUMBER.get(error.value.code)
            if number is not None:
                return number
            # No number for this name in this interpreter: raise instead
            # of returning a number that would mean something else.
        elif kind is _E_Timeout:
            return _errno.EAGAIN  # CPython returns EWOULDBLOCK on timeout
        raise _exc(error)

    def shutdown(self, how, /):
        """shutdown(flag)

Shut down the reading side of the socket (flag == SHUT_RD), the writing side
of the socket (flag == SHUT_WR), or both ends (flag == SHUT_RDWR)."""
        how = _as_int(how)
        error = None
        try:
            _wsock.shutdown(self._fd, how)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def getsockname(self):
        """getsockname() -> address info

Return the address of the local endpoint."""
        try:
            return _sockaddr_out(_wsock.getsockname(self._fd))
        except _Err as e:
            error = e.value
        raise _exc(error)

    def getpeername(self):
        """getpeername() -> address info

Return the address of the remote endpoint."""
        try:
            return _sockaddr_out(_wsock.getpeername(self._fd))
        except _Err as e:
            error = e.value
        raise _exc(error)

    # -- options and timeouts --------------------------------------------

    def getsockopt(self, level, option, buflen=0, /):
        """getsockopt(level, option[, buffersize]) -> value

Get a socket option.  With a nonzero buffersize the value is returned
as bytes; otherwise it is an integer."""
        level = _arg_i(level)
        option = _arg_i(option)
        buflen = _arg_i(buflen)
        error = None
        try:
            if buflen == 0:
                value = _wsock.getsockopt_int(self._fd, level, option)
                if value and option == 4 and level == 1:  # SOL_SOCKET, SO_ERROR
                    return _guest_errno(value)
                return value
            if not 0 < buflen <= 1024:
                raise OSError("getsockopt buflen out of range")
            return _wsock.getsockopt_bytes(self._fd, level, option, buflen)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def setsockopt(self, *args):
        """setsockopt(level, option, value: int)
setsockopt(level, option, value: buffer)
setsockopt(level, option, None, optlen: int)

Set a socket option."""
        count = len(args)
        if count == 3:
            level = _arg_i(args[0])
            option = _arg_i(args[1])
            value = args[2]
            try:
                number = _arg_i(value)
            except (TypeError, OverflowError):
                number = None
            if number is None:
                # not an int: the value is a buffer (CPython's third parse)
                value = _SockoptBytes(value if value.__class__ is bytes else _bytes_arg(value))
            else:
                value = _SockoptInt(number)
        elif count == 4:
            value = None
            try:
                level = _arg_i(args[0])
                option = _arg_i(args[1])
                if args[2] is None:
                    value = _SockoptNull(_index(args[3]) & _U32_MAX)
            except (TypeError, OverflowError):
                pass
            if value is None:
                raise TypeError("setsockopt() takes exactly 3 arguments (4 given)")
        else:
            raise TypeError(f"setsockopt() takes exactly 3 arguments ({count} given)")
        error = None
        try:
            _wsock.setsockopt(self._fd, level, option, value)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def setblocking(self, flag, /):
        """setblocking(flag)

Set the socket to blocking (flag is true) or non-blocking (false).
setblocking(True) is equivalent to settimeout(None);
setblocking(False) is equivalent to settimeout(0.0)."""
        timeout = None if flag else 0
        self._timeout = timeout
        error = None
        try:
            _wsock.set_timeout(self._fd, timeout)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def getblocking(self):
        """getblocking()

Returns True if socket is in blocking mode, or False if it
is in non-blocking mode."""
        return self._timeout != 0

    def settimeout(self, timeout, /):
        """settimeout(timeout)

Set a timeout on socket operations.  'timeout' can be a float,
giving in seconds, or None.  Setting a timeout of None disables
the timeout feature and is equivalent to setblocking(1).
Setting a timeout of zero is the same as setblocking(0)."""
        timeout = _timeout_arg(timeout)
        self._timeout = timeout
        error = None
        try:
            _wsock.set_timeout(self._fd, timeout)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def gettimeout(self):
        """gettimeout() -> timeout

Returns the timeout in seconds (float) associated with socket
operations. A timeout of None indicates that timeouts on socket
operations are disabled."""
        ns = self._timeout
        if ns is None:
            return None
        if ns % 1_000_000_000:
            return ns / 1e9
        return float(ns // 1_000_000_000)

    # -- receiving ------------------------------------------------------

    def recv(self, bufsize, flags=0, /):
        """recv(buffersize[, flags]) -> data

Receive up to buffersize bytes from the socket."""
        if bufsize.__class__ is not int or not 0 <= bufsize <= 0xFFFFFFFF:
            bufsize = _bufsize(bufsize, "negative buffersize in recv")
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        if not bufsize:
            return b''  # CPython makes no call for 0 bytes
        try:
            return _wsock.recv(self._fd, bufsize, flags)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def recv_into(self, buffer, nbytes=0, flags=0):
        """recv_into(buffer, [nbytes[, flags]]) -> nbytes_read

A version of recv() that stores its data into a buffer rather than creating
a new string."""
        view, target = _recv_target(buffer, "recv_into")
        try:
            if nbytes.__class__ is not int or nbytes < 0:
                nbytes = _bufsize(nbytes, "negative buffersize in recv_into")
            if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
                flags = _arg_i(flags)
            size = len(target)
            if not nbytes:
                nbytes = size
            elif size < nbytes:
                raise ValueError("buffer too small for requested bytes")
            if not nbytes:
                return 0
            error = None
            try:
                data = _wsock.recv(self._fd, nbytes, flags)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            return _store(target, data, nbytes)
        finally:
            if view is not None:
                view.release()

    def recvfrom(self, bufsize, flags=0, /):
        """recvfrom(buffersize[, flags]) -> (data, address info)

Like recv(buffersize, flags) but also return the sender's address info."""
        if bufsize.__class__ is not int or not 0 <= bufsize <= 0xFFFFFFFF:
            bufsize = _bufsize(bufsize, "negative buffersize in recvfrom")
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        error = None
        try:
            data, address = _wsock.recvfrom(self._fd, bufsize, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        return data, _sockaddr_out(address)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        """recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address info)

Like recv_into(buffer[, nbytes[, flags]]) but also return the sender's address info."""
        view, target = _recv_target(buffer, "recvfrom_into")
        try:
            if nbytes.__class__ is not int or nbytes < 0:
                nbytes = _bufsize(nbytes, "negative buffersize in recvfrom_into")
            if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
                flags = _arg_i(flags)
            size = len(target)
            if not nbytes:
                nbytes = size
            elif nbytes > size:
                raise ValueError("nbytes is greater than the length of the buffer")
            error = None
            try:
                data, address = _wsock.recvfrom(self._fd, nbytes, flags)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            return _store(target, data, nbytes), _sockaddr_out(address)
        finally:
            if view is not None:
                view.release()

    def recvmsg(self, bufsize, ancbufsize=0, flags=0, /):
        """recvmsg(bufsize[, ancbufsize[, flags]]) -> (data, ancdata, msg_flags, address)

Receive normal data (up to bufsize bytes) and ancillary data from the
socket.  ancbufsize sizes the buffer for ancillary data, as with the
kernel (see CMSG_SPACE()); items that do not fit are truncated or
dropped and MSG_CTRUNC is set."""
        bufsize = _bufsize(bufsize, "negative buffer size in recvmsg()")
        ancbufsize = _as_ssize(ancbufsize)
        flags = _arg_i(flags)
        if not 0 <= ancbufsize <= _SOCKLEN_LIMIT:
            raise ValueError("invalid ancillary data buffer length")
        error = None
        try:
            message = _wsock.recvmsg(self._fd, bufsize, ancbufsize, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)
        ancdata, msg_flags = _ancillary(message.ancillary, ancbufsize, message.flags)
        return message.data, ancdata, msg_flags, _sockaddr_out(message.address)

    def recvmsg_into(self, buffers, ancbufsize=0, flags=0, /):
        """recvmsg_into(buffers[, ancbufsize[, flags]]) -> (nbytes, ancdata, msg_flags, address)

Receive normal data and ancillary data from the socket, scattering the
non-ancillary data into a series of buffers."""
        ancbufsize = _as_ssize(ancbufsize)
        flags = _arg_i(flags)
        try:
            items = iter(buffers)
        except TypeError:
            items = None
        if items is None:
            raise TypeError("recvmsg_into() argument 1 must be an iterable")
        views = []
        try:
            for item in list(items):
                view = _writable(item)
                if view is None:
                    raise TypeError("recvmsg_into() argument 1 must be an iterable "
                                    "of single-segment read-write buffers")
                views.append(view)
            if not 0 <= ancbufsize <= _SOCKLEN_LIMIT:
                raise ValueError("invalid ancillary data buffer length")
            total = 0
            for view in views:
                total += view.nbytes
            error = None
            try:
                message = _wsock.recvmsg(self._fd, min(total, _U32_MAX), ancbufsize, flags)
            except _Err as e:
                error = e.value
            if error is not None:
                raise _exc(error)
            data = message.data
            received = len(data)
            offset = 0
            for view in views:
                if offset >= received:
                    break
                chunk = data[offset:offset + view.nbytes]
                view[:len(chunk)] = chunk
                offset += len(chunk)
        finally:
            for view in views:
                view.release()
        ancdata, msg_flags = _ancillary(message.ancillary, ancbufsize, message.flags)
        return received, ancdata, msg_flags, _sockaddr_out(message.address)

    # -- sending ----------------------------------------------------------

    def send(self, data, flags=0, /):
        """send(data[, flags]) -> count

Send a data string to the socket.  Return the number of bytes sent;
this may be less than len(data) if the network is busy."""
        data = _payload(data)
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _as_int(flags)
        try:
            return _wsock.send(self._fd, data, flags)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendall(self, data, flags=0, /):
        """sendall(data[, flags])

Send a data string to the socket.  This calls send() repeatedly until
all data is sent.  If an error occurs, it's impossible to tell how much
data has been sent."""
        data = _payload(data)
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _as_int(flags)
        error = None
        try:
            _wsock.sendall(self._fd, data, flags)
        except _Err as e:
            error = e.value
        if error is not None:
            raise _exc(error)

    def sendto(self, *args):
        """sendto(data[, flags], address) -> count

Like send(data, flags) but allows specifying the destination address."""
        count = len(args)
        if count == 2:
            data, address = args
            flags = 0
        elif count == 3:
            data, flags, address = args
        else:
            raise TypeError(f"sendto() takes 2 or 3 arguments ({count} given)")
        data = _payload(data)
        if flags.__class__ is not int or not -0x80000000 <= flags <= 0x7FFFFFFF:
            flags = _arg_i(flags)
        address = _sockaddr(self._family, address, "sendto")
        try:
            return _wsock.sendto(self._fd, data, flags, address)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None, /):
        """sendmsg(buffers[, ancdata[, flags[, address]]]) -> count

Send normal and ancillary data to the socket, gathering the
non-ancillary data from a series of buffers.  ancdata is an iterable of
(cmsg_level, cmsg_type, cmsg_data) tuples."""
        if address is not None:
            address = _sockaddr(self._family, address, "sendmsg")
        buffers = _buffers_arg(buffers)
        ancdata = _ancillary_arg(ancdata)
        flags = _as_int(flags)
        try:
            return _wsock.sendmsg(self._fd, buffers, ancdata, flags, address)
        except _Err as e:
            error = e.value
        raise _exc(error)

    def sendmsg_afalg(self, msg=None, *, op=None, iv=None, assoclen=None, flags=0):
        """sendmsg_afalg([msg], *, op[, iv[, assoclen[, flags=MSG_MORE]]])

Set operation mode, IV and length of associated data for an AF_ALG
operation socket. (A sendmsg() with SOL_ALG control messages.)"""
        if self._family != AF_ALG:
            raise OSError("algset is only supported for AF_ALG")
        if op is not None and not isinstance(op, int):
            raise TypeError(f"sendmsg_afalg() argument 'op' must be int, "
                            f"not {op.__class__.__name__}")
        if assoclen is not None and not isinstance(assoclen, int):
            raise TypeError(f"sendmsg_afalg() argument 'assoclen' must be int, "
                            f"not {assoclen.__class__.__name__}")
        if iv is not None and iv.__class__ is not bytes:
            iv = _bytes_arg(iv)
        flags = _arg_i(flags)
        if op is None or not 0 <= op <= _INT_MAX:
            raise TypeError("Invalid or missing argument 'op'")
        ancdata = [_AncillaryItem(SOL_ALG, ALG_SET_OP, op.to_bytes(4, 'little'))]
        if iv is not None:  # struct af_alg_iv { u32 ivlen; u8 iv[]; }
            ancdata.append(_AncillaryItem(
                SOL_ALG, ALG_SET_IV, len(iv).to_bytes(4, 'little') + iv))
        if assoclen is not None:
            assoclen = _as_int(assoclen)
            if assoclen < 0:
                raise TypeError("assoclen must be positive")
            ancdata.append(_AncillaryItem(
                SOL_ALG, ALG_SET_AEAD_ASSOCLEN, assoclen.to_bytes(4, 'little')))
        buffers = [] if msg is None else _buffers_arg(msg)
        try:
            return _wsock.sendmsg(self._fd, buffers, ancdata, flags, None)
        except _Err as e:
            error = e.value
        raise _exc(error)


SocketType = socket


def _adopt(fd, family, type, proto):
    """A socket object for a descriptor the host just made (socketpair)."""
    self = socket.__new__(socket)
    timeout = 0 if type & SOCK_NONBLOCK else _default_timeout
    if timeout is not None:
        _wsock.set_timeout(fd, timeout)
    self._fd = fd
    self._family = family
    self._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
    self._proto = proto
    self._timeout = timeout
    return self


def _close_quietly(fd):
    """Closes a descriptor whose errors nobody could act on (finalizers)."""
    try:
        _wsock.close(fd)
    except _Err:
        pass

# ---------------------------------------------------------------------------
# Module functions: descriptors and timeouts


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0, /):
    """socketpair([family[, type [, proto]]]) -> (socket object, socket object)

Create a pair of connected socket objects. The default family is AF_UNIX."""
    family = _arg_i(family)
    type = _arg_i(type)
    proto = _arg_i(proto)
    error = None
    try:
        first, second = _wsock.socketpair(family, type, proto)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    try:
        return _adopt(first, family, type, proto), _adopt(second, family, type, proto)
    except _Err as e:
        error = e.value
    _close_quietly(first)
    _close_quietly(second)
    raise _exc(error)


def _fd_arg(fd):
    fd = _as_long(fd)
    if not 0 <= fd <= _U32_MAX:
        raise _ebadf()
    return fd


def dup(fd, /):
    """dup(integer) -> integer

Duplicate an integer socket file descriptor."""
    fd = _fd_arg(fd)
    _accepted.clear()
    try:
        return _wsock.dup(fd)
    except _Err as e:
        error = e.value
    raise _exc(error)


def close(fd, /):
    """close(integer) -> None

Close an integer socket file descriptor."""
    fd = _fd_arg(fd)
    _accepted.clear()
    error = None
    try:
        _wsock.close(fd)
    except _Err as e:
        error = e.value
    if error is not None and _reported_by_close(error):
        raise _exc(error)


def getdefaulttimeout():
    """getdefaulttimeout() -> timeout

Returns the default timeout in seconds (float) for new socket objects.
A value of None indicates that new socket objects have no timeout."""
    return _seconds(_default_timeout)


def setdefaulttimeout(timeout, /):
    """setdefaulttimeout(timeout)

Set the default timeout in seconds (float) for new socket objects.
A value of None indicates that new socket objects have no timeout."""
    global _default_timeout
    _default_timeout = _timeout_arg(timeout)

# ---------------------------------------------------------------------------
# Module functions: names and services (WIT interface `resolve`)


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """getaddrinfo(host, port [, family, type, proto, flags])
    -> list of (family, type, proto, canonname, sockaddr)

Resolve host and port into addrinfo struct."""
    if host is None:
        name = None
    elif isinstance(host, str):
        name = _idna(host)
    elif isinstance(host, bytes):
        name = _decode_host(host)
    else:
        raise TypeError("getaddrinfo() argument 1 must be string or None")
    if name is not None and '\0' in name:
        name = name[:name.index('\0')]  # CPython hands a C string to getaddrinfo
    if port is None:
        service = None
    elif hasattr(port.__class__, '__index__'):
        service = str(_index(port))
    elif isinstance(port, str):
        if not port.isascii():
            port.encode('utf-8')  # lone surrogates: UnicodeEncodeError, as in CPython
        service = str(port)
    elif isinstance(port, bytes):
        try:
            service = port.decode('utf-8')
        except UnicodeDecodeError:
            service = None
        if service is None:
            raise gaierror(EAI_SERVICE, 'Servname not supported for ai_socktype')
    else:
        raise OSError("Int or String expected")
    if service is not None and '\0' in service:
        service = service[:service.index('\0')]
    family = _arg_i(family)
    type = _arg_i(type)
    proto = _arg_i(proto)
    flags = _arg_i(flags)
    error = None
    try:
        infos = _wresolve.getaddrinfo(name, service, family, type, proto, flags)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    return [(info.family, info.socket_type, info.proto, info.canonname,
             _sockaddr_out(info.address)) for info in infos]


def getnameinfo(sockaddr, flags, /):
    """getnameinfo(sockaddr, flags) --> (host, port)

Get host and port for a sockaddr."""
    flags = _arg_i(flags)
    if not isinstance(sockaddr, tuple):
        # The traceback keeps this frame alive; drop the caller's object
        # first, so a failed call holds no reference to it (CPython's C
        # function holds none).
        del sockaddr
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    size = len(sockaddr)
    if not 2 <= size <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host = _str_arg(sockaddr[0], "getnameinfo", 1)
    port = _arg_i(sockaddr[1])
    flowinfo = _index(sockaddr[2]) & _U32_MAX if size > 2 else 0
    scope_id = _index(sockaddr[3]) & _U32_MAX if size > 3 else 0
    if flowinfo > 0xFFFFF:
        raise OverflowError("getnameinfo(): flowinfo must be 0-1048575.")
    # CPython resolves the sockaddr with getaddrinfo(host, str(port),
    # AF_UNSPEC, SOCK_DGRAM, AI_NUMERICHOST); the same, done here:
    if port < 0:
        raise gaierror(EAI_SERVICE, 'Servname not supported for ai_socktype')
    port &= 0xFFFF  # glibc keeps the low 16 bits of a numeric service
    packed = _aton(host, True)
    if packed is not None:
        if size != 2:
            raise OSError("IPv4 sockaddr must be 2 tuple")
        address = _AddrInet(_InetAddress(_ntoa(packed), port))
    else:
        numeric = host.partition('%')[0]
        if _pton6(numeric) is None:
            raise gaierror(EAI_NONAME, 'Name or service not known')
        # CPython overwrites the scope id with the tuple's (0 by default)
        address = _AddrInet6(_Inet6Address(numeric, port, flowinfo, scope_id))
    try:
        return _wresolve.getnameinfo(address, flags)
    except _Err as e:
        error = e.value
    raise _exc(error)


def gethostbyname(hostname, /):
    """gethostbyname(host) -> address

Return the IP address (a string of the form '255.255.255.255') for a host."""
    name = _et_idna(hostname, "gethostbyname")
    if not name:
        return '0.0.0.0'
    if name == '<broadcast>' or name == '255.255.255.255':
        return '255.255.255.255'
    packed = _aton(name, True)  # numeric, as getaddrinfo reads it ("127.1", "0x7f.1")
    if packed is not None:
        return _ntoa(packed)
    error = None
    try:
        entry = _wresolve.gethostbyname_ex(name)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    if not entry.addresses:
        raise gaierror(EAI_NODATA, 'No address associated with hostname')
    return entry.addresses[0]


def gethostbyname_ex(hostname, /):
    """gethostbyname_ex(host) -> (name, aliaslist, addresslist)

Return the true host name, a list of aliases, and a list of IP addresses,
for a host.  The host argument is a string giving a host name or IP number."""
    name = _et_idna(hostname, "gethostbyname_ex")
    error = None
    try:
        entry = _wresolve.gethostbyname_ex(name)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    return entry.name, list(entry.aliases), list(entry.addresses)


def gethostbyaddr(ip_address, /):
    """gethostbyaddr(host) -> (name, aliaslist, addresslist)

Return the true host name, a list of aliases, and a list of IP addresses,
for a host.  The host argument is a string giving a host name or IP number."""
    name = _et_idna(ip_address, "gethostbyaddr")
    error = None
    try:
        entry = _wresolve.gethostbyaddr(name)
    except _Err as e:
        error = e.value
    if error is not None:
        raise _exc(error)
    return entry.name, list(entry.aliases), list(entry.addresses)


def gethostname():
    """gethostname() -> string

Return the current host name."""
    try:
        return _wresolve.gethostname()
    except _Err as e:
        error = e.value
    raise _exc(error)


def sethostname(name, /):
    """sethostname(name)

Sets the hostname to name. A guest may not: PermissionError, as for a
process without CAP_SYS_ADMIN on Linux."""
    if not isinstance(name, bytes):
        _os.fsencode(name)
    raise OSError(_errno.EPERM, _os.strerror(_errno.EPERM))


def getservbyname(servicename, protocolname=_MISSING, /):
    """getservbyname(servicename[, protocolname]) -> integer

Return a port number from a service name and protocol name."""
    name = _str_arg(servicename, "getservbyname", 1)
    proto = None if protocolname is _MISSING else _str_arg(protocolname, "getservbyname", 2)
    try:
        return _wresolve.getservbyname(name, proto)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def getservbyport(port, protocolname=_MISSING, /):
    """getservbyport(port[, protocolname]) -> string

Return the service name from a port number and protocol name."""
    port = _arg_i(port)
    proto = None if protocolname is _MISSING else _str_arg(protocolname, "getservbyport", 2)
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("getservbyport: port must be 0-65535.")
    try:
        return _wresolve.getservbyport(port, proto)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def getprotobyname(name, /):
    """getprotobyname(name) -> integer

Return the protocol number for the named protocol."""
    name = _str_arg(name, "getprotobyname", 1)
    try:
        return _wresolve.getprotobyname(name)
    except _Err as e:
        error = e.value
    raise _netdb_exc(error)


def if_nameindex():
    """if_nameindex()

Returns a list of network interface information (index, name) tuples."""
    try:
        return [(index, name) for index, name in _wresolve.if_nameindex()]
    except _Err as e:
        error = e.value
    raise _exc(error)


def if_nametoindex(oname, /):
    """Returns the interface index corresponding to the interface name if_name."""
    wanted = _os.fsencode(oname)
    if 0 in wanted:
        raise ValueError("embedded null byte")
    for index, name in if_nameindex():
        if _os.fsencode(name) == wanted:
            return index
    # glibc's if_nametoindex fails with ENODEV (from its SIOCGIFINDEX
    # ioctl), which CPython 3.14 reports.
    raise OSError(_errno.ENODEV, _os.strerror(_errno.ENODEV))


def if_indextoname(if_index, /):
    """Returns the interface name corresponding to the interface index if_index."""
    if_index = _as_unsigned(if_index, _U32_MAX, "unsigned int")
    for index, name in if_nameindex():
        if index == if_index:
            return name
    raise OSError(_errno.ENXIO, _os.strerror(_errno.ENXIO))

# ---------------------------------------------------------------------------
# Pure functions: byte order, address text, control messages


def ntohs(integer, /):
    """Convert a 16-bit unsigned integer from network to host byte order."""
    x = _as_unsigned(integer, 0xFFFF, "uint16_t")
    return ((x & 0xFF) << 8) | (x >> 8)


def htons(integer, /):
    """Convert a 16-bit unsigned integer from host to network byte order."""
    x = _as_unsigned(integer, 0xFFFF, "uint16_t")
    return ((x & 0xFF) << 8) | (x >> 8)


def ntohl(integer, /):
    """Convert a 32-bit unsigned integer from network to host byte order."""
    x = _as_unsigned(integer, _U32_MAX, "uint32_t")
    return int.from_bytes(x.to_bytes(4, 'little'), 'big')


def htonl(integer, /):
    """Convert a 32-bit unsigned integer from host to network byte order."""
    x = _as_unsigned(integer, _U32_MAX, "uint32_t")
    return int.from_bytes(x.to_bytes(4, 'little'), 'big')


_DIGITS = '0123456789'
_OCTAL = '01234567'
_HEX = '0123456789abcdefABCDEF'
_C_SPACE = ' \t\n\v\f\r'
_ATON_LIMIT = (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)


def _aton(text, exact):
    """glibc's inet_aton(): 4 bytes, or None.

    Parts are C numbers (0x hex, 0 octal, decimal): ``a.b.c.d``, ``a.b.c``
    (c has 16 bits), ``a.b`` (b has 24 bits) or ``a`` (32 bits). inet_aton
    ignores anything after a whitespace character; ``exact`` (what
    getaddrinfo uses) wants the whole string.
    """
    size = len(text)
    parts = []
    i = 0
    while True:
        if i >= size or text[i] not in _DIGITS:
            return None
        if text[i] == '0' and i + 1 < size and text[i + 1] in 'xX':
            j = i + 2
            while j < size and text[j] in _HEX:
                j += 1
            if j == i + 2:       # "0x" without digits: strtoul reads the "0"
                value = 0
                i += 1
            else:
                value = int(text[i + 2:j], 16)
                i = j
        elif text[i] == '0':
            j = i + 1
            while j < size and text[j] in _OCTAL:
                j += 1
            value = int(text[i:j], 8)
            i = j
        else:
            j = i
            while j < size and text[j] in _DIGITS:
                j += 1
            value = int(text[i:j])
            i = j
        if value > 0xFFFFFFFF:
            return None
        if i < size and text[i] == '.':
            if len(parts) > 2 or value > 0xFF:
                return None
            parts.append(value)
            i += 1
            continue
        break
    if i < size and (exact or text[i] not in _C_SPACE):
        return None
    if value > _ATON_LIMIT[len(parts)]:
        return None
    for position, part in enumerate(parts):
        value |= part << (24 - 8 * position)
    return value.to_bytes(4, 'big')


def _pton4(text):
    """glibc's inet_pton(AF_INET): exactly four decimal parts 0-255 without
    leading zeros. 4 bytes, or None."""
    parts = text.split('.')
    if len(parts) != 4:
        return None
    packed = bytearray()
    for part in parts:
        if not part or len(part) > 3 or not (part.isascii() and part.isdigit()):
            return None
        if part[0] == '0' and len(part) > 1:
            return None
        value = int(part)
        if value > 255:
            return None
        packed.append(value)
    return bytes(packed)


def _pton6(text):
    """glibc's inet_pton(AF_INET6): 16 bytes, or None."""
    size = len(text)
    if not size:
        return None
    i = 0
    if text[0] == ':':
        if size < 2 or text[1] != ':':
            return None
        i = 1
    words = []
    gap = None          # where "::" stands, as an index into words
    token = i           # start of the current group
    digits = 0
    value = 0
    while i < size:
        char = text[i]
        i += 1
        if char in _HEX:
            if digits == 4:
                return None
            value = (value << 4) | int(char, 16)
            digits += 1
            continue
        if char == ':':
            token = i
            if not digits:
                if gap is not None:
                    return None
                gap = len(words)
                continue
            if i == size or len(words) == 8:
                return None
            words.append(value)
            digits = 0
            value = 0
            continue
        if char == '.' and len(words) <= 6:
            quad = _pton4(text[token:])
            if quad is None:
                return None
            words.append((quad[0] << 8) | quad[1])
            words.append((quad[2] << 8) | quad[3])
            digits = 0
            break
        return None
    if digits:
        if len(words) == 8:
            return None
        words.append(value)
    if gap is not None:
        if len(words) == 8:
            return None
        words[gap:gap] = [0] * (8 - len(words))
    if len(words) != 8:
        return None
    return b''.join(word.to_bytes(2, 'big') for word in words)


def _ntoa(packed):
    return f"{packed[0]}.{packed[1]}.{packed[2]}.{packed[3]}"


def _ntop6(packed):
    """glibc's inet_ntop(AF_INET6): the first longest run (2+ groups) of
    zeros is "::"; ::a.b.c.d and ::ffff:a.b.c.d keep their IPv4 tail."""
    words = [(packed[k] << 8) | packed[k + 1] for k in range(0, 16, 2)]
    best, best_len, start = -1, 0, -1
    for k in range(9):
        if k < 8 and not words[k]:
            if start < 0:
                start = k
        elif start >= 0:
            if k - start > best_len:
                best, best_len = start, k - start
            start = -1
    if best_len < 2:
        best = -1
    text = []
    k = 0
    while k < 8:
        if best >= 0 and best <= k < best + best_len:
            if k == best:
                text.append(':')
            k += 1
            continue
        if k:
            text.append(':')
        if k == 6 and best == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
            text.append(_ntoa(packed[12:]))
            break
        text.append(f"{words[k]:x}")
        k += 1
    if best >= 0 and best + best_len == 8:
        text.append(':')
    return ''.join(text)


def inet_aton(ip_addr, /):
    """Convert an IP address in string format (123.45.67.89) to the 32-bit packed binary format used in low-level network functions."""
    if not isinstance(ip_addr, str):
        raise TypeError(f"inet_aton() argument must be str, not {ip_addr.__class__.__name__}")
    if '\0' in ip_addr:
        raise ValueError("embedded null character")
    packed = _aton(ip_addr, False)
    if packed is None:
        raise OSError("illegal IP address string passed to inet_aton")
    return packed


def inet_ntoa(packed_ip, /):
    """Convert an IP address from 32-bit packed binary format to string format."""
    if packed_ip.__class__ is not bytes:
        packed_ip = _bytes_arg(packed_ip)
    if len(packed_ip) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return _ntoa(packed_ip)


def inet_pton(af, ip, /):
    """inet_pton(af, ip) -> packed IP address string

Convert an IP address from string format to a packed string suitable
for use with low-level network functions."""
    af = _arg_i(af)
    ip = _str_arg(ip, "inet_pton", 2)
    if af == AF_INET:
        packed = _pton4(ip)
    elif af == AF_INET6:
        packed = _pton6(ip)
    else:
        raise OSError(_errno.EAFNOSUPPORT, _os.strerror(_errno.EAFNOSUPPORT))
    if packed is None:
        raise OSError("illegal IP address string passed to inet_pton")
    return packed


def inet_ntop(af, packed_ip, /):
    """inet_ntop(af, packed_ip) -> string formatted IP address

Convert a packed IP address of the given family to string format."""
    af = _arg_i(af)
    if packed_ip.__class__ is not bytes:
        packed_ip = _bytes_arg(packed_ip)
    if af == AF_INET:
        if len(packed_ip) != 4:
            raise ValueError("invalid length of packed IP address string")
        return _ntoa(packed_ip)
    if af == AF_INET6:
        if len(packed_ip) != 16:
            raise ValueError("invalid length of packed IP address string")
        return _ntop6(packed_ip)
    raise ValueError(f"unknown address family {af}")


def CMSG_LEN(length, /):
    """CMSG_LEN(length) -> control message length

Return the total length, without trailing padding, of an ancillary
data item with associated data of the given length."""
    length = _as_ssize(length)
    if not 0 <= length <= _SOCKLEN_LIMIT - _CMSG_HDR:
        raise OverflowError("CMSG_LEN() argument out of range")
    return _CMSG_HDR + length


def CMSG_SPACE(length, /):
    """CMSG_SPACE(length) -> buffer size

Return the buffer size needed for recvmsg() to receive an ancillary
data item with associated data of the given length, along with any
trailing padding."""
    length = _as_ssize(length)
    if not 0 <= length <= _SOCKLEN_LIMIT - _cmsg_space(1):
        raise OverflowError("CMSG_SPACE() argument out of range")
    return _cmsg_space(length)
