using System;

namespace BqBackup.Codec
{
    /// <summary>
    /// The body does not match its block index (a wrong offset, a damaged block, a cut body): the
    /// parallel inflate gives up and the fetch starts over reading the body as one stream, which
    /// gives the verdict on the body itself. Never reaches the user.
    /// </summary>
    internal sealed class BlockIndexMismatchException : Exception
    {
        public BlockIndexMismatchException(string message, Exception inner = null) : base(message, inner) { }
    }
}
