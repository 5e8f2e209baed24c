import base64, quopri, zlib, random
from email.header import Header
random.seed(7)
ALPH='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
def b62(n):
    s=''
    while n: n,r=divmod(n,62); s=ALPH[r]+s
    return s.rjust(6,'0')
def gh(prefix='ghp_'):
    body=''.join(random.choice(ALPH) for _ in range(30))
    return prefix+body+b62(zlib.crc32(body.encode()))
AWS='AKIAZ5Q7NQ3H2K4M6P7R'
GH=gh()
print('GH', GH)
def b64(s):
    e=base64.b64encode(s.encode()).decode()
    return '\n'.join(e[i:i+76] for i in range(0,len(e),76))
W={}
W['base64']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: deploy keys
Date: Thu, 26 Nov 2026 09:00:00 +0000
Message-ID: <golden-base64@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64(f"Hi Bob,{chr(10)}{chr(10)}here is the deploy token: {GH}{chr(10)}and the AWS key id {AWS}{chr(10)}{chr(10)}Alice{chr(10)}")}
'''
# QP with soft break inside the secret
line=f'The access key is {AWS} please rotate it.'
W['qp-softbreak']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: quoted-printable soft break
Date: Thu, 26 Nov 2026 09:01:00 +0000
Message-ID: <golden-qp@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9 notes: the access key is AKIAZ5Q7NQ=
3H2K4M6P7R please rotate it.
Second line stays as it is =3D unchanged.
'''
W['html']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: html mail
Date: Thu, 26 Nov 2026 09:02:00 +0000
Message-ID: <golden-html@example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-boundary"

--alt-boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Token: {GH}

--alt-boundary
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>Token: <code>{GH}</code></p>
<p>Tom &amp; Jerry say hi</p></body></html>

--alt-boundary--
'''
env_file=f'''# production settings
DB_HOST=db.internal
DB_PASSWORD=Vq8#rT2pLm9zXw4K
AWS_ACCESS_KEY_ID={AWS}
'''
W['attachment']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: config attached
Date: Thu, 26 Nov 2026 09:03:00 +0000
Message-ID: <golden-attach@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix-boundary"

--mix-boundary
Content-Type: text/plain; charset=us-ascii

See the attached settings file.

--mix-boundary
Content-Type: application/octet-stream; name="prod.env"
Content-Disposition: attachment; filename="prod.env"
Content-Transfer-Encoding: base64

{b64(env_file)}

--mix-boundary
Content-Type: image/png; name="logo.png"
Content-Disposition: attachment; filename="logo.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==

--mix-boundary--
'''
inner2=f'''From: Carol <carol@example.net>
To: Dave <dave@example.net>
Subject: the original
Date: Wed, 25 Nov 2026 10:00:00 +0000
Message-ID: <inner2@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

postgres connection: postgresql://app:S3cr3tPassw0rdX@db.example.net:5432/app
'''
inner1=f'''From: Dave <dave@example.net>
To: Alice <alice@example.org>
Subject: Fwd: the original
Date: Wed, 25 Nov 2026 11:00:00 +0000
Message-ID: <inner1@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner1-b"

--inner1-b
Content-Type: text/plain; charset=utf-8

Forwarding Carol's mail.

--inner1-b
Content-Type: message/rfc822

{inner2}
--inner1-b--
'''
W['forward-2-levels']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: Fwd: Fwd: the original
Date: Thu, 26 Nov 2026 09:04:00 +0000
Message-ID: <golden-fwd@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer-b"

--outer-b
Content-Type: text/plain; charset=utf-8

FYI, see below.

--outer-b
Content-Type: message/rfc822

{inner1}
--outer-b--
'''
jp='お疲れ様です。\nサーバのログイン情報です。\nID：tanaka\nパスワード：Hk7pQ2mZx9\nよろしくお願いします。\n'
jpb=jp.encode('iso-2022-jp')
subj=Header('ログイン情報','iso-2022-jp').encode()
W['iso-2022-jp']=('''From: Tanaka <tanaka@example.jp>
To: Suzuki <suzuki@partner.example>
Subject: '''+subj+'''
Date: Thu, 26 Nov 2026 09:05:00 +0900
Message-ID: <golden-jp@example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

''').encode()+jpb
W['clean']='''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: lunch
Date: Thu, 26 Nov 2026 09:06:00 +0000
Message-ID: <golden-clean@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Lunch at noon? The commit is 3f9a2c1e8b7d6f5a4e3d2c1b0a9f8e7d6c5b4a39 and the
ticket id is 123e4567-e89b-12d3-a456-426614174000.
'''
W['subject']=f'''From: Alice Example <alice@example.org>
To: Bob Example <bob@partner.example>
Subject: token {GH} for you
Date: Thu, 26 Nov 2026 09:07:00 +0000
Message-ID: <golden-subject@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

See subject.
'''
for k,v in W.items():
    open(k+'.eml','wb').write(v if isinstance(v,bytes) else v.encode())
# Shift_JIS, 8bit, CRLF line ends (as an MTA hands it over)
sj='各位\nVPN の暗証番号：7315 です。\nパスワードは Qw3rty!9zX です。\n'
W2=('From: Sato <sato@example.jp>\r\nTo: Ito <ito@partner.example>\r\nSubject: VPN\r\n'
    'Date: Thu, 26 Nov 2026 09:08:00 +0900\r\nMessage-ID: <golden-sjis@example.jp>\r\n'
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=Shift_JIS\r\n'
    'Content-Transfer-Encoding: 8bit\r\n\r\n').encode()+sj.replace('\n','\r\n').encode('shift_jis')
open('shift_jis-crlf.eml','wb').write(W2)

# archive-targz.eml (a tar.gz attachment with a credentials file) and
# carrier-partial.eml (a message/partial fragment) were written by the
# snippet below; the gzip header's mtime is zeroed so the bytes are stable.
#   buf = io.BytesIO()
#   with tarfile.open(fileobj=buf, mode='w:gz', format=tarfile.USTAR_FORMAT) as t:
#       data = b"[default]\naws_access_key_id = AKIAZ5Q7NQ3H2K4M6P7R\nregion = eu-west-1\n"
#       ti = tarfile.TarInfo('deploy/credentials'); ti.size = len(data)
#       ti.mtime = 1795000000; ti.uid = ti.gid = 0; ti.uname = ti.gname = 'root'
#       t.addfile(ti, io.BytesIO(data))
#   raw = buf.getvalue(); raw = raw[:4] + b'\0\0\0\0' + raw[8:]
#   then base64 at 76 columns inside a multipart/mixed message.
