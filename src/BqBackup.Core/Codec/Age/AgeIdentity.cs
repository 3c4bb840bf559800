using System;
using System.Collections.Generic;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// What opens a file: an X25519 secret key (<see cref="AgeX25519Identity"/>) or a passphrase
    /// (<see cref="AgeScryptIdentity"/>). Dispose zeroes the secret it holds.
    /// </summary>
    public abstract class AgeIdentity : IDisposable
    {
        private protected AgeIdentity() { }

        /// <summary>The stanza type this identity opens (X25519, scrypt).</summary>
        public abstract string StanzaType { get; }

        /// <summary>
        /// The file key from the first stanza addressed to this identity, or null when none is. A
        /// stanza of this identity's type that is malformed is refused (AgeHeaderInvalid), as the
        /// spec requires; stanzas of other types are ignored.
        /// </summary>
        internal abstract byte[] Unwrap(IReadOnlyList<AgeStanza> stanzas, string name);

        public abstract void Dispose();
    }
}
