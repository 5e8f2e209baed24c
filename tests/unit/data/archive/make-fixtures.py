#!/usr/bin/env python3
# make-fixtures.py - build the archive fixtures of tests/unit/test_archive.c
# (deterministic: fixed timestamps).  Run from anywhere; writes beside itself.
# The secrets are synthetic (AWS's documented example key id and a made-up
# password), never real credentials.
import gzip, io, os, tarfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
AWS = 'AKIAZ5Q7NQ3H2K4M6P7R'
PW = 'password = "Tr0ub4dor-and-3-horses"'
T = (2026, 1, 1, 0, 0, 0)


def zbytes(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', method) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, T)
            zi.compress_type = method
            z.writestr(zi, data)
    return b.getvalue()


def put(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


env = f'# deploy settings\nAWS_ACCESS_KEY_ID={AWS}\nREGION=eu-west-1\n'.encode()
put('env.zip', zbytes([('app/config.env', env), ('logo.png', b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 4)]))

tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode='w', format=tarfile.USTAR_FORMAT) as t:
    ti = tarfile.TarInfo('deploy/.env')
    ti.size = len(env)
    ti.mtime = 1767225600
    t.addfile(ti, io.BytesIO(env))
put('env.tar.gz', gzip.compress(tb.getvalue(), mtime=0))
put('settings.gz', gzip.compress(env, mtime=0))

CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
# the password is split over runs and holds an entity, as Word writes it
doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="x"><w:body>'
       '<w:p><w:r><w:t>Server notes</w:t></w:r></w:p>'
       '<w:p><w:r><w:t>password = &quot;Tr0ub4dor</w:t></w:r><w:r><w:t>-and-3-horses&quot;</w:t></w:r></w:p>'
       '</w:body></w:document>').encode()
put('password.docx', zbytes([('[Content_Types].xml', CT), ('word/document.xml', doc),
                             ('word/styles.xml', b'<w:styles xmlns:w="x"/>')]))
ss = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="x" count="2">'
      f'<si><t>Key id</t></si><si><t>{AWS}</t></si></sst>').encode()
sheet = b'<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>'
put('keys.xlsx', zbytes([('[Content_Types].xml', CT), ('xl/sharedStrings.xml', ss),
                         ('xl/worksheets/sheet1.xml', sheet)]))
inner = zbytes([('secrets/prod.env', env)])
put('nested.zip', zbytes([('README.txt', b'see inner.zip\n'), ('inner.zip', inner)]))

# 10 MB of zeros, deflated to about 10 KB
put('bomb.zip', zbytes([('zeros.txt', b'\0' * (10 << 20))]))
put('bomb-text.zip', zbytes([('aaaa.txt', b'a' * (10 << 20))]))
# 42.zip-like: each level holds 8 copies of the level below
lvl = zbytes([('zeros.txt', b'0' * (1 << 20))])
for i in range(5):
    lvl = zbytes([(f'l{i}-{k}.zip', lvl) for k in range(8)])
put('nested-bomb.zip', lvl)

# traditional PKWARE encryption: zipfile cannot write it; set the flag on a
# stored member (libarchive reports the member as encrypted from the flag)
z = bytearray(zbytes([('secret.env', env)], zipfile.ZIP_STORED))
z[6] |= 1                                  # local header flag
cd = z.rfind(b'PK\x01\x02')
z[cd + 8] |= 1                             # central directory flag
put('encrypted.zip', bytes(z))

put('corrupt.zip', zbytes([('a.env', env)])[:60] + b'\xff' * 40)

# golden inputs tests/golden/archive-*.eml: a zip and a docx attachment
import base64
GOLD = os.path.join(HERE, '..', '..', '..', 'golden')


def mail(name, subject, fname, ctype, data):
    b64 = base64.b64encode(data).decode()
    body = '\n'.join(b64[i:i + 76] for i in range(0, len(b64), 76))
    with open(os.path.join(GOLD, f'archive-{name}.eml'), 'w') as f:
        f.write(f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: {subject}
Date: Thu, 26 Nov 2026 10:00:00 +0000
Message-ID: <golden-archive-{name}@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="arch-boundary"

--arch-boundary
Content-Type: text/plain; charset=utf-8

Hi Bob, the files are attached.

--arch-boundary
Content-Type: {ctype}; name="{fname}"
Content-Disposition: attachment; filename="{fname}"
Content-Transfer-Encoding: base64

{body}
--arch-boundary--
''')


mail('zip-env', 'deploy settings', 'settings.zip', 'application/zip',
     open(os.path.join(HERE, 'env.zip'), 'rb').read())
mail('docx', 'server notes', 'notes.docx',
     'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
     open(os.path.join(HERE, 'password.docx'), 'rb').read())
