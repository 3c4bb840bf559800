using System;
using System.Collections.Generic;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// An X25519 identity: 32 secret bytes, written AGE-SECRET-KEY-1… (Bech32, uppercase), as
    /// age-keygen makes them. ToString shows only its recipient; Dispose zeroes the key.
    /// </summary>
    public sealed class AgeX25519Identity : AgeIdentity
    {
        internal const string Hrp = "AGE-SECRET-KEY-";

        private readonly byte[] secret;

        private AgeX25519Identity(byte[] secret)
        {
            this.secret = secret;
            var pub = new byte[32];
            X25519.ScalarMultBase(secret, 0, pub, 0);
            Recipient = new AgeX25519Recipient(pub);
        }

        public override string StanzaType => AgeX25519Recipient.StanzaTypeName;

        /// <summary>The public key that encrypts to this identity.</summary>
        public AgeX25519Recipient Recipient { get; }

        public bool IsDisposed { get; private set; }

        /// <summary>A new identity from the system's CSPRNG.</summary>
        public static AgeX25519Identity Generate() => new AgeX25519Identity(AgePrimitives.RandomBytes(32));

        /// <summary>Parses AGE-SECRET-KEY-1…; AgeIdentityInvalid otherwise (the message never repeats the string).</summary>
        public static AgeX25519Identity Parse(string identity) => Parse(identity, null);

        internal static AgeX25519Identity Parse(string identity, string where)
        {
            var at = where == null ? "" : $" ({where})";
            identity = identity?.Trim();
            if (string.IsNullOrEmpty(identity)) throw AgeErrors.IdentityInvalid("empty" + at, where);
            if (identity.StartsWith("AGE-SECRET-KEY-PQ-1", StringComparison.Ordinal))
                throw AgeErrors.IdentityInvalid("a post-quantum hybrid identity (AGE-SECRET-KEY-PQ-1…), which is not supported yet" + at, where);
            if (identity.StartsWith("AGE-PLUGIN-", StringComparison.Ordinal))
                throw AgeErrors.IdentityInvalid("a plugin identity (AGE-PLUGIN-…), which is not supported" + at, where);
            if (!Bech32.TryDecodeBytes(identity, out var hrp, out var key, out var error))
                throw AgeErrors.IdentityInvalid($"not valid Bech32: {error}{at}", where);
            if (hrp != Hrp)
            {
                AgePrimitives.Zero(key);
                throw AgeErrors.IdentityInvalid($"not an X25519 identity (AGE-SECRET-KEY-1…, uppercase){at}", where);
            }
            if (key.Length != 32)
            {
                AgePrimitives.Zero(key);
                throw AgeErrors.IdentityInvalid($"does not hold a 32-byte key{at}", where);
            }
            return new AgeX25519Identity(key);
        }

        /// <summary>The AGE-SECRET-KEY-1… string: a secret, for writing an identities file. Nothing else in this type reveals it.</summary>
        public string ExportSecretKey()
        {
            ThrowIfDisposed();
            return Bech32.EncodeBytes(Hrp, secret).ToUpperInvariant();
        }

        internal override byte[] Unwrap(IReadOnlyList<AgeStanza> stanzas, string name)
        {
            ThrowIfDisposed();
            foreach (var s in stanzas)
            {
                if (s.Type != AgeX25519Recipient.StanzaTypeName) continue;
                if (s.Arguments.Count != 1) throw AgeErrors.HeaderInvalid("an X25519 stanza without exactly one argument", name);
                var share = AgeBase64.TryDecode(s.Arguments[0], 32);
                if (share == null) throw AgeErrors.HeaderInvalid("an X25519 stanza whose share is not canonical base64 of 32 bytes", name);
                if (s.BodyLength != AgePrimitives.WrappedFileKeySize) throw AgeErrors.HeaderInvalid("an X25519 stanza whose body is not 32 bytes", name);
                var shared = new byte[32];
                byte[] wrapKey = null;
                try
                {
                    if (!X25519.CalculateAgreement(secret, 0, share, 0, shared, 0))
                        throw AgeErrors.HeaderInvalid("an X25519 stanza with a low-order share (an all-zero shared secret)", name);
                    var salt = new byte[64];
                    Buffer.BlockCopy(share, 0, salt, 0, 32);
                    Buffer.BlockCopy(Recipient.PublicKey, 0, salt, 32, 32);
                    wrapKey = AgePrimitives.Hkdf(shared, salt, AgeX25519Recipient.Label);
                    var fileKey = AgePrimitives.UnwrapFileKey(wrapKey, s.Body);
                    if (fileKey != null) return fileKey;
                }
                finally
                {
                    AgePrimitives.Zero(shared);
                    AgePrimitives.Zero(wrapKey);
                }
            }
            return null;
        }

        private void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(AgeX25519Identity));
        }

        public override void Dispose()
        {
            AgePrimitives.Zero(secret);
            IsDisposed = true;
        }

        public override string ToString() => $"X25519 identity for {Recipient}";
    }
}
