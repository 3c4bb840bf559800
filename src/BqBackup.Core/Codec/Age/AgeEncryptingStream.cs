using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Encrypts what is written to it as an age v1 file into <c>output</c>: a write-only pipeline
    /// stage (compressed bytes in, the store's upload out) in constant memory. The header and nonce
    /// are written when it is made; each 64 KiB chunk is sealed and written once the next byte
    /// arrives (so the last chunk is always known to be last); <see cref="FlushFinalBlock"/> — or
    /// Dispose — seals the final chunk. After a failed write nothing more is written, not even on
    /// Dispose, so an error path never ends the file as if it were complete.
    /// </summary>
    public sealed class AgeEncryptingStream : Stream
    {
        private readonly Stream output;
        private readonly bool leaveOpen;
        private readonly AgePayload payload;
        private readonly byte[] plain = new byte[AgePayload.ChunkSize];
        private readonly byte[] sealedChunk = new byte[AgePayload.EncryptedChunkSize];
        private int plainLength;
        private long written;
        private bool finished;
        private bool faulted;
        private bool disposed;

        /// <summary>Which library seals the chunks.</summary>
        internal AgeCipherBackend CipherBackend => payload.Backend;

        /// <param name="output">Where the age file goes; written sequentially, never sought.</param>
        /// <param name="recipients">One or more X25519 recipients, or one scrypt recipient alone.</param>
        /// <param name="leaveOpen">Leave <paramref name="output"/> open on Dispose.</param>
        public AgeEncryptingStream(Stream output, IEnumerable<AgeRecipient> recipients, bool leaveOpen = false)
        {
            this.output = output ?? throw new ArgumentNullException(nameof(output));
            if (!output.CanWrite) throw new ArgumentException("The output stream is not writable.", nameof(output));
            var list = (recipients ?? throw new ArgumentNullException(nameof(recipients))).ToList();
            if (list.Count == 0) throw AgeErrors.RecipientRequired();
            if (list.Any(r => r == null)) throw new ArgumentException("A recipient is null.", nameof(recipients));
            if (list.Count > 1 && list.Any(r => r.MustBeAlone))
                throw AgeErrors.RecipientInvalid("a passphrase must be a file's only recipient (age forbids mixing scrypt with other recipients)", null);
            this.leaveOpen = leaveOpen;

            var fileKey = AgePrimitives.RandomBytes(AgePrimitives.FileKeySize);
            try
            {
                // scrypt (about a second at the default work factor) runs here, before anything is written.
                var stanzas = list.Select(r => r.Wrap(fileKey)).ToList();
                StanzaTypes = stanzas.Select(s => s.Type).ToArray();
                var header = AgeHeader.Write(stanzas, fileKey);
                var nonce = AgePrimitives.RandomBytes(AgePayload.NonceSize);
                payload = new AgePayload(fileKey, nonce);
                output.Write(header, 0, header.Length);
                output.Write(nonce, 0, nonce.Length);
                HeaderLength = header.Length + nonce.Length;
            }
            finally
            {
                AgePrimitives.Zero(fileKey);
            }
        }


        /// <summary>The stanza types written, in order (X25519 × n, or scrypt).</summary>
        public IReadOnlyList<string> StanzaTypes { get; }

        /// <summary>Bytes of header and payload nonce written before the first chunk.</summary>
        public int HeaderLength { get; }

        /// <summary>Plaintext bytes written so far.</summary>
        public long PlaintextLength => written;

        /// <summary>The length the age file will have for <paramref name="plaintextLength"/> bytes of plaintext, with this stream's header.</summary>
        public long EncryptedLength(long plaintextLength) => HeaderLength + PayloadLength(plaintextLength);

        /// <summary>Payload bytes (chunks and tags, no nonce) for <paramref name="plaintextLength"/> bytes.</summary>
        public static long PayloadLength(long plaintextLength)
        {
            var chunks = plaintextLength == 0 ? 1 : (plaintextLength + AgePayload.ChunkSize - 1) / AgePayload.ChunkSize;
            return plaintextLength + chunks * AgePrimitives.TagSize;
        }

        public bool HasFlushedFinalBlock => finished;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !disposed && !finished;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        /// <summary>Flushes the output; a partial chunk stays buffered (age cannot end a chunk early).</summary>
        public override void Flush()
        {
            if (!disposed && !faulted) output.Flush();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            if (disposed) throw new ObjectDisposedException(nameof(AgeEncryptingStream));
            if (finished) throw new InvalidOperationException("The final age chunk was already written.");
            if (faulted) throw new InvalidOperationException("An earlier write failed; this age stream is unusable.");
            if (count == 0) return;
            try
            {
                while (count > 0)
                {
                    if (plainLength == AgePayload.ChunkSize)
                    {
                        // More data follows, so the buffered full chunk is not the last.
                        SealAndWrite(plain, 0, AgePayload.ChunkSize, last: false);
                        plainLength = 0;
                    }
                    if (plainLength == 0 && count > AgePayload.ChunkSize)
                    {
                        // Straight from the caller's buffer: a full chunk with more after it is never the last.
                        SealAndWrite(buffer, offset, AgePayload.ChunkSize, last: false);
                        offset += AgePayload.ChunkSize;
                        count -= AgePayload.ChunkSize;
                        written += AgePayload.ChunkSize;
                        continue;
                    }
                    var n = Math.Min(count, AgePayload.ChunkSize - plainLength);
                    Buffer.BlockCopy(buffer, offset, plain, plainLength, n);
                    plainLength += n;
                    offset += n;
                    count -= n;
                    written += n;
                }
            }
            catch
            {
                faulted = true;
                throw;
            }
        }

        private void SealAndWrite(byte[] source, int offset, int count, bool last)
        {
            var n = payload.Seal(source, offset, count, sealedChunk, last);
            output.Write(sealedChunk, 0, n);
        }

        /// <summary>Seals the last chunk (empty only when nothing was written) and flushes the output. Once only; later calls do nothing.</summary>
        public void FlushFinalBlock()
        {
            if (disposed) throw new ObjectDisposedException(nameof(AgeEncryptingStream));
            if (finished) return;
            if (faulted) throw new InvalidOperationException("An earlier write failed; this age stream is unusable.");
            try
            {
                SealAndWrite(plain, 0, plainLength, last: true);
                plainLength = 0;
                finished = true;
                output.Flush();
            }
            catch
            {
                faulted = true;
                throw;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposed) { base.Dispose(disposing); return; }
            try
            {
                if (disposing && !finished && !faulted) FlushFinalBlock();
            }
            finally
            {
                disposed = true;
                payload?.Scrub();
                Array.Clear(plain, 0, plain.Length);
                Array.Clear(sealedChunk, 0, sealedChunk.Length);
                if (disposing && !leaveOpen) output.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
