using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Opens a passphrase-encrypted file. Refuses a work factor above <see cref="MaxWorkFactor"/>
    /// (AgePassphraseWorkFactorTooHigh) before spending any time on it, as age does. Dispose zeroes
    /// the passphrase.
    /// </summary>
    public sealed class AgeScryptIdentity : AgeIdentity
    {
        /// <summary>The highest work factor read unless raised: 2^22 is about 4 GiB-seconds of scrypt (16 × age's default).</summary>
        public const int DefaultMaxWorkFactor = 22;

        private readonly byte[] passphrase;
        private int maxWorkFactor = DefaultMaxWorkFactor;

        public AgeScryptIdentity(string passphrase) { this.passphrase = AgePassphrase.FromString(passphrase); }

        public AgeScryptIdentity(SecureString passphrase) { this.passphrase = AgePassphrase.FromSecureString(passphrase); }

        public override string StanzaType => AgeScryptRecipient.StanzaTypeName;

        /// <summary>The highest log2 N accepted, 1 to 30 (default 22).</summary>
        public int MaxWorkFactor
        {
            get => maxWorkFactor;
            set
            {
                if (value < 1 || value > 30) throw new ArgumentOutOfRangeException(nameof(value), value, "The limit is log2 N, from 1 to 30.");
                maxWorkFactor = value;
            }
        }

        public bool IsDisposed { get; private set; }

        /// <summary>age's rule for the work factor argument: decimal digits, no leading zero (^[1-9][0-9]*$).</summary>
        internal static bool TryParseWorkFactor(string s, out int logN)
        {
            logN = 0;
            if (string.IsNullOrEmpty(s) || s[0] < '1' || s[0] > '9') return false;
            foreach (var c in s)
                if (c < '0' || c > '9') return false;
            // Digits only, so the one failure left is overflow: read it as "too high".
            logN = int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : int.MaxValue;
            return true;
        }

        internal override byte[] Unwrap(IReadOnlyList<AgeStanza> stanzas, string name)
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(AgeScryptIdentity));
            foreach (var s in stanzas)
            {
                if (s.Type != AgeScryptRecipient.StanzaTypeName) continue;
                if (stanzas.Count != 1) throw AgeErrors.HeaderInvalid("an scrypt stanza beside other stanzas", name);
                if (s.Arguments.Count != 2) throw AgeErrors.HeaderInvalid("an scrypt stanza without exactly two arguments", name);
                var salt = AgeBase64.TryDecode(s.Arguments[0], 16);
                if (salt == null) throw AgeErrors.HeaderInvalid("an scrypt stanza whose salt is not canonical base64 of 16 bytes", name);
                if (!TryParseWorkFactor(s.Arguments[1], out var logN)) throw AgeErrors.HeaderInvalid("an scrypt stanza whose work factor is not a plain decimal number", name);
                if (logN > maxWorkFactor)
                {
                    if (logN == int.MaxValue) throw AgeErrors.WorkFactorTooHigh(name, maxWorkFactor);
                    throw AgeErrors.WorkFactorTooHigh(logN, maxWorkFactor, name);
                }
                if (s.BodyLength != AgePrimitives.WrappedFileKeySize) throw AgeErrors.HeaderInvalid("an scrypt stanza whose body is not 32 bytes", name);
                var wrapKey = AgePrimitives.Scrypt(passphrase, AgeScryptRecipient.LabeledSalt(salt), logN);
                try { return AgePrimitives.UnwrapFileKey(wrapKey, s.Body); }
                finally { AgePrimitives.Zero(wrapKey); }
            }
            return null;
        }

        public override void Dispose()
        {
            AgePrimitives.Zero(passphrase);
            IsDisposed = true;
        }

        public override string ToString() => $"scrypt passphrase identity (max work factor {maxWorkFactor})";
    }
}
