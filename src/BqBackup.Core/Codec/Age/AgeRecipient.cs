using System;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Someone a file is encrypted to: an X25519 public key (<see cref="AgeX25519Recipient"/>) or a
    /// passphrase (<see cref="AgeScryptRecipient"/>). Each wraps the file key into one stanza.
    /// </summary>
    public abstract class AgeRecipient : IDisposable
    {
        private protected AgeRecipient() { }

        /// <summary>The stanza type this recipient writes (X25519, scrypt).</summary>
        public abstract string StanzaType { get; }

        /// <summary>Whether this recipient must be the only one of a file (age requires it of scrypt).</summary>
        internal virtual bool MustBeAlone => false;

        internal abstract AgeStanza Wrap(byte[] fileKey);

        public virtual void Dispose() { }
    }
}
