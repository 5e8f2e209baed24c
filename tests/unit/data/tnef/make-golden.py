#!/usr/bin/env python3
# make-golden.py - build tests/golden/carrier-tnef.eml: a message whose
# winmail.dat (TNEF) holds a plain body (PR_BODY), the same body as
# compressed RTF (PR_RTF_COMPRESSED, LZFu with literals only) and a text
# attachment config.env.  Deterministic; run from anywhere.
# The secrets are synthetic: AWS's documented key id format and the
# GitHub token the unit tests use, never real credentials.
import base64, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, '..', '..', '..', 'golden')
AWS = 'AKIAZ5Q7NQ3H2K4M6P7R'
GHP = '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'


def attr(level, aid, data):
    return (struct.pack('<BII', level, aid, len(data)) + data +
            struct.pack('<H', sum(data) & 0xffff))


def prop_var(ptype, pid, data):
    pad = b'\0' * ((4 - len(data) % 4) % 4)
    return struct.pack('<HHII', ptype, pid, 1, len(data)) + data + pad


def lzfu(raw):
    # every control bit 0 is a literal; the end is a reference to the
    # current write position (MS-OXRTFCP)
    out, i, wp = bytearray(), 0, 207
    while i <= len(raw):
        at = len(out)
        out.append(0)
        for bit in range(8):
            if i == len(raw):
                out[at] |= 1 << bit
                out += struct.pack('>H', (wp & 0xfff) << 4)
                i += 1
                break
            out.append(raw[i])
            i += 1
            wp += 1
    return struct.pack('<IIII', len(out) + 12, len(raw), 0x75465a4c, 0) + bytes(out)


body = f'Hi Bob,\r\n\r\nthe deploy token is {GHP}\r\nand the settings are attached.\r\n'.encode()
rtf = ('{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}'
       '\\pard\\f0\\fs20 Hi Bob,\\par\\par the deploy token is ' + GHP +
       '\\par and the settings are attached.\\par}').encode()
env = f'# deploy settings\nAWS_ACCESS_KEY_ID={AWS}\nREGION=eu-west-1\n'.encode()

mprops = (struct.pack('<I', 2) + prop_var(0x001E, 0x1000, body + b'\0') +
          prop_var(0x0102, 0x1009, lzfu(rtf)))
tnef = struct.pack('<IH', 0x223E9F78, 1)
tnef += attr(1, 0x00089006, b'\0\0\1\0')                 # attTnefVersion
tnef += attr(1, 0x00069007, struct.pack('<II', 1252, 0))  # attOemCodepage
tnef += attr(1, 0x00078008, b'IPM.Microsoft Mail.Note\0')
tnef += attr(1, 0x00069003, mprops)                       # attMAPIProps
tnef += attr(2, 0x00069002, struct.pack('<HiII', 1, -1, 0, 0))  # attAttachRendData
tnef += attr(2, 0x00018010, b'config.env\0')              # attAttachTitle
tnef += attr(2, 0x0006800F, env)                          # attAttachData

b64 = base64.b64encode(tnef).decode()
lines = '\n'.join(b64[i:i + 76] for i in range(0, len(b64), 76))
with open(os.path.join(GOLD, 'carrier-tnef.eml'), 'w') as f:
    f.write(f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: deploy settings (Outlook rich text)
Date: Thu, 26 Nov 2026 10:00:00 +0000
Message-ID: <golden-carrier-tnef@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="tnef-boundary"

--tnef-boundary
Content-Type: text/plain; charset=utf-8

Hi Bob, see the attached message.

--tnef-boundary
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

{lines}
--tnef-boundary--
''')
with open(os.path.join(GOLD, 'carrier-tnef.secrets'), 'w') as f:
    f.write(f'{AWS}\n{GHP}\n')
