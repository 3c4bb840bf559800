using System;
using System.Collections.Generic;
using System.Linq;

namespace BqBackup.IO
{
    /// <summary>Every target of a <see cref="FanOutStream"/> failed: there is nowhere left to write. Each target's own failure is in <see cref="Failures"/>.</summary>
    internal sealed class AllTargetsFailedException : Exception
    {
        public AllTargetsFailedException(IReadOnlyList<Exception> failures)
            : base("Every target of the fan-out failed: " + string.Join("; ", failures.Select(f => f?.Message)))
        {
            Failures = failures;
        }

        public IReadOnlyList<Exception> Failures { get; }
    }
}
