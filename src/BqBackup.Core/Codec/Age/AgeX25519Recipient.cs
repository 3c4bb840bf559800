using System;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace BqBackup.Codec.Age
{
    /// <summary>An X25519 recipient: a public key, written age1… (Bech32, lowercase).</summary>
    public sealed class AgeX25519Recipient : AgeRecipient, IEquatable<AgeX25519Recipient>
    {
        public const string StanzaTypeName = "X25519";
        internal const string Hrp = "age";
        internal const string Label = "age-encryption.org/v1/X25519";

        private readonly byte[] publicKey;

        internal AgeX25519Recipient(byte[] publicKey)
        {
            this.publicKey = publicKey;
        }

        public override string StanzaType => StanzaTypeName;

        internal byte[] PublicKey => publicKey;

        /// <summary>Parses an age1… recipient. AgeRecipientInvalid (which names the string: it is public) when it is not one.</summary>
        public static AgeX25519Recipient Parse(string recipient)
        {
            if (TryParse(recipient, out var r, out var why)) return r;
            throw AgeErrors.RecipientInvalid(why, IsSecretKey(recipient) ? null : recipient);
        }

        public static bool TryParse(string recipient, out AgeX25519Recipient result) => TryParse(recipient, out result, out _);

        internal static bool TryParse(string recipient, out AgeX25519Recipient result, out string why)
        {
            result = null;
            recipient = recipient?.Trim();
            if (string.IsNullOrEmpty(recipient)) { why = "empty"; return false; }
            // A secret key given where a public one belongs: never repeat it.
            if (IsSecretKey(recipient))
            { why = "a secret key (AGE-SECRET-KEY-1…, an identity) was given as a recipient; give its public key instead (age-keygen -y prints it)"; return false; }
            if (recipient.StartsWith("age1pq1", StringComparison.Ordinal) || recipient.StartsWith("age1tag", StringComparison.Ordinal))
            { why = $"'{recipient.Substring(0, Math.Min(12, recipient.Length))}…' is a post-quantum or hardware-tag recipient, which is not supported (only X25519 age1… keys)"; return false; }
            if (recipient.StartsWith("ssh-", StringComparison.Ordinal) || recipient.StartsWith("ecdsa-", StringComparison.Ordinal))
            { why = "SSH keys are not supported as recipients (only X25519 age1… keys)"; return false; }
            if (!Bech32.TryDecodeBytes(recipient, out var hrp, out var key, out var error))
            { why = $"'{recipient}' is not valid Bech32 ({error})"; return false; }
            if (hrp != Hrp)
            {
                why = hrp.StartsWith("age1", StringComparison.Ordinal) ? $"'{recipient}' is a plugin recipient, which is not supported" : $"'{recipient}' is not an X25519 recipient (age1…, lowercase)";
                return false;
            }
            if (key.Length != 32) { why = $"'{recipient}' does not hold a 32-byte key"; return false; }
            result = new AgeX25519Recipient(key);
            why = null;
            return true;
        }

        /// <summary>True for text that is, or starts like, an age secret key: such text never goes into a message.</summary>
        internal static bool IsSecretKey(string text) =>
            text != null && text.TrimStart().StartsWith("AGE-SECRET-KEY-", StringComparison.OrdinalIgnoreCase);

        internal override AgeStanza Wrap(byte[] fileKey)
        {
            var ephemeral = AgePrimitives.RandomBytes(32);
            var share = new byte[32];
            var shared = new byte[32];
            byte[] wrapKey = null;
            try
            {
                X25519.ScalarMultBase(ephemeral, 0, share, 0);
                if (!X25519.CalculateAgreement(ephemeral, 0, publicKey, 0, shared, 0))
                    throw AgeErrors.RecipientInvalid("a low-order X25519 key, which no one holds the secret of", ToString());
                var salt = new byte[64];
                Buffer.BlockCopy(share, 0, salt, 0, 32);
                Buffer.BlockCopy(publicKey, 0, salt, 32, 32);
                wrapKey = AgePrimitives.Hkdf(shared, salt, Label);
                return new AgeStanza(StanzaTypeName, new[] { AgeBase64.Encode(share) }, AgePrimitives.WrapFileKey(wrapKey, fileKey));
            }
            finally
            {
                AgePrimitives.Zero(ephemeral);
                AgePrimitives.Zero(shared);
                AgePrimitives.Zero(wrapKey);
            }
        }

        /// <summary>The age1… string.</summary>
        public override string ToString() => Bech32.EncodeBytes(Hrp, publicKey);

        public bool Equals(AgeX25519Recipient other) => other != null && AgePrimitives.FixedTimeEquals(publicKey, other.publicKey);
        public override bool Equals(object obj) => Equals(obj as AgeX25519Recipient);
        public override int GetHashCode() => BitConverter.ToInt32(publicKey, 0);
    }
}
