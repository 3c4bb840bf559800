using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Reads an age v1 file from <c>input</c> and gives back its plaintext: forward-only, constant
    /// memory (one encrypted chunk and one plaintext chunk). Made, it has read the header, found the
    /// file key with one of the identities, checked the header MAC and read the payload nonce; each
    /// chunk's tag is verified before any of its bytes are released, and the end of the input is
    /// checked: a file cut short (AgeBodyTruncated), altered (AgeBodyTampered) or with bytes after
    /// its final chunk (AgeTrailingData) fails the Read that reaches that point.
    /// </summary>
    public sealed class AgeDecryptingStream : Stream
    {
        private readonly Stream input;
        private readonly bool leaveOpen;
        private readonly string name;
        private readonly AgePayload payload;
        // One encrypted chunk and one byte of look-ahead, which tells a non-final chunk from a last one.
        private readonly byte[] sealedChunk = new byte[AgePayload.EncryptedChunkSize + 1];
        private readonly byte[] plain = new byte[AgePayload.ChunkSize];
        private int carried;
        private int plainOffset;
        private int plainLength;
        private bool sawFinal;
        private Exception pending;
        private long released;
        private bool disposed;

        /// <param name="input">The age file, read sequentially from its first byte.</param>
        /// <param name="identities">Tried in order; the first that opens a stanza gives the file key.</param>
        /// <param name="name">How the file is named in error messages and as their target (a backup name), or null.</param>
        /// <param name="leaveOpen">Leave <paramref name="input"/> open on Dispose.</param>
        public AgeDecryptingStream(Stream input, IEnumerable<AgeIdentity> identities, string name = null, bool leaveOpen = false)
        {
            this.input = input ?? throw new ArgumentNullException(nameof(input));
            var list = (identities ?? throw new ArgumentNullException(nameof(identities))).ToList();
            if (list.Count == 0) throw AgeErrors.IdentityRequired();
            if (list.Any(i => i == null)) throw new ArgumentException("An identity is null.", nameof(identities));
            this.name = name;
            this.leaveOpen = leaveOpen;
            try
            {
                (Header, MatchedIdentity, payload) = Open(input, list, name);
            }
            catch
            {
                if (!leaveOpen) input.Dispose();
                throw;
            }
        }

        private static (AgeHeader, AgeIdentity, AgePayload) Open(Stream input, List<AgeIdentity> list, string name)
        {
            var header = AgeHeader.Read(input, name);
            if (header.Stanzas.Count > 1 && header.Stanzas.Any(s => s.Type == AgeScryptRecipient.StanzaTypeName))
                throw AgeErrors.HeaderInvalid("an scrypt stanza beside other stanzas (a passphrase must be a file's only recipient)", name);

            byte[] fileKey = null;
            AgeIdentity matched = null;
            try
            {
                foreach (var identity in list)
                {
                    fileKey = identity.Unwrap(header.Stanzas, name);
                    if (fileKey != null) { matched = identity; break; }
                }
                if (fileKey == null) throw AgeErrors.NoMatchingIdentity(list.Count, header.Describe(), name);
                if (fileKey.Length != AgePrimitives.FileKeySize) throw AgeErrors.HeaderInvalid("a wrapped file key that is not 16 bytes", name);
                if (!header.MacMatches(fileKey)) throw AgeErrors.HeaderMacMismatch(name);

                var nonce = new byte[AgePayload.NonceSize];
                var n = AgePayload.ReadFully(input, nonce, 0, nonce.Length);
                if (n < nonce.Length) throw AgeErrors.BodyTruncated(n == 0 ? "the payload is missing (no nonce after the header)" : "the payload nonce is incomplete", name);
                return (header, matched, new AgePayload(fileKey, nonce));
            }
            finally
            {
                AgePrimitives.Zero(fileKey);
            }
        }

        /// <summary>The header as read (stanza types, count).</summary>
        public AgeHeader Header { get; }

        /// <summary>The identity that opened the file.</summary>
        public AgeIdentity MatchedIdentity { get; }

        /// <summary>Which library opens the chunks.</summary>
        internal AgeCipherBackend CipherBackend => payload.Backend;

        /// <summary>Plaintext bytes released so far.</summary>
        public long PlaintextPosition => released;

        /// <summary>True once the final chunk has been verified and the input found to end right after it.</summary>
        public bool IsComplete => sawFinal && pending == null;

        public override bool CanRead => !disposed;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => released; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            if (disposed) throw new ObjectDisposedException(nameof(AgeDecryptingStream));
            if (count == 0) return 0;
            while (plainOffset == plainLength)
            {
                if (pending != null) throw pending;
                if (sawFinal) return 0;
                ReadChunk();
            }
            var n = Math.Min(count, plainLength - plainOffset);
            Buffer.BlockCopy(plain, plainOffset, buffer, offset, n);
            plainOffset += n;
            released += n;
            return n;
        }

        private void ReadChunk()
        {
            var chunkIndex = (long)payload.Counter;
            var n = carried + AgePayload.ReadFully(input, sealedChunk, carried, sealedChunk.Length - carried);
            plainOffset = 0;
            plainLength = 0;
            if (n == sealedChunk.Length)
            {
                // A full chunk with more after it: it must be a non-final chunk.
                var opened = payload.Open(sealedChunk, AgePayload.EncryptedChunkSize, plain, last: false);
                if (opened < 0)
                {
                    if (payload.Open(sealedChunk, AgePayload.EncryptedChunkSize, plain, last: true) >= 0)
                    {
                        // A genuine final chunk, then more bytes: release it, then refuse what follows.
                        plainLength = AgePayload.ChunkSize;
                        sawFinal = true;
                        pending = AgeErrors.TrailingData(name);
                        return;
                    }
                    throw AgeErrors.BodyTampered("a chunk failed authentication", chunkIndex, name);
                }
                plainLength = opened;
                sealedChunk[0] = sealedChunk[AgePayload.EncryptedChunkSize];
                carried = 1;
                return;
            }

            // The input ended within this chunk: it must be the final one.
            carried = 0;
            if (n == 0) throw AgeErrors.BodyTruncated("the payload has no chunk", name);
            if (n < AgePrimitives.TagSize) throw AgeErrors.BodyTruncated($"chunk {chunkIndex} is shorter than its tag", name);
            var last = payload.Open(sealedChunk, n, plain, last: true);
            if (last < 0)
            {
                if (n == AgePayload.EncryptedChunkSize && payload.Open(sealedChunk, n, plain, last: false) >= 0)
                {
                    // An authentic non-final chunk, and nothing after it: the chunks that followed are gone.
                    plainLength = AgePayload.ChunkSize;
                    pending = AgeErrors.BodyTruncated($"the file ends after chunk {chunkIndex}, which is not the final one", name);
                    return;
                }
                throw AgeErrors.BodyTampered(n < AgePayload.EncryptedChunkSize
                    ? "the last chunk failed authentication (the file was cut inside a chunk, or altered)"
                    : "a chunk failed authentication", chunkIndex, name);
            }
            if (last == 0 && chunkIndex > 0)
                throw AgeErrors.BodyTampered("an empty final chunk after other chunks, which age never writes", chunkIndex, name);
            plainLength = last;
            sawFinal = true;
        }

        protected override void Dispose(bool disposing)
        {
            if (!disposed)
            {
                disposed = true;
                payload?.Scrub();
                Array.Clear(plain, 0, plain.Length);
                if (disposing && !leaveOpen) input.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
