using System;
using System.Globalization;
using System.Security;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Encrypts to a passphrase through scrypt (age's "-p"). Must be a file's only recipient.
    /// Dispose zeroes the passphrase.
    /// </summary>
    public sealed class AgeScryptRecipient : AgeRecipient
    {
        public const string StanzaTypeName = "scrypt";
        internal const string SaltLabel = "age-encryption.org/v1/scrypt";

        /// <summary>age's default work factor (log2 N): about a second on a current core, 256 MiB of memory.</summary>
        public const int DefaultWorkFactor = 18;

        /// <summary>The highest work factor this writes; the default reader limit (<see cref="AgeScryptIdentity.DefaultMaxWorkFactor"/>) is the same.</summary>
        public const int MaxWorkFactor = 22;

        private readonly byte[] passphrase;
        private int workFactor = DefaultWorkFactor;

        public AgeScryptRecipient(string passphrase) { this.passphrase = AgePassphrase.FromString(passphrase); }

        public AgeScryptRecipient(SecureString passphrase) { this.passphrase = AgePassphrase.FromSecureString(passphrase); }

        public override string StanzaType => StanzaTypeName;

        internal override bool MustBeAlone => true;

        /// <summary>log2 of scrypt's N, 1 to 22 (default 18, as age).</summary>
        public int WorkFactor
        {
            get => workFactor;
            set
            {
                if (value < 1 || value > MaxWorkFactor)
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"The scrypt work factor is log2 N, from 1 to {MaxWorkFactor}.");
                workFactor = value;
            }
        }

        internal override AgeStanza Wrap(byte[] fileKey)
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(AgeScryptRecipient));
            var salt = AgePrimitives.RandomBytes(16);
            var wrapKey = AgePrimitives.Scrypt(passphrase, LabeledSalt(salt), workFactor);
            try
            {
                return new AgeStanza(StanzaTypeName,
                    new[] { AgeBase64.Encode(salt), workFactor.ToString(CultureInfo.InvariantCulture) },
                    AgePrimitives.WrapFileKey(wrapKey, fileKey));
            }
            finally { AgePrimitives.Zero(wrapKey); }
        }

        internal static byte[] LabeledSalt(byte[] salt)
        {
            var label = Encoding.ASCII.GetBytes(SaltLabel);
            var s = new byte[label.Length + salt.Length];
            Buffer.BlockCopy(label, 0, s, 0, label.Length);
            Buffer.BlockCopy(salt, 0, s, label.Length, salt.Length);
            return s;
        }

        public bool IsDisposed { get; private set; }

        public override void Dispose()
        {
            AgePrimitives.Zero(passphrase);
            IsDisposed = true;
        }

        public override string ToString() => $"scrypt passphrase recipient (work factor {workFactor})";
    }
}
