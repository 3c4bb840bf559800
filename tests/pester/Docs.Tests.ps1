# The README, the help and the code say the same thing: the same cmdlets, the README's examples
# and runbook commands among the help's examples, and every ErrorId in the README's error table.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')

    # The body of one '## Title' section of the README.
    function Get-ReadmeSection([string] $Title) {
        $m = [regex]::Match($Readme, "(?ms)^## $([regex]::Escape($Title))\s*`$(.*?)(?=^## |\z)")
        if (-not $m.Success) { throw "README.md has no '## $Title' section." }
        $m.Groups[1].Value
    }

    # The cmdlets the README documents: the '### Verb-Noun' headings of '## The cmdlets'.
    function Get-ReadmeCmdlet {
        [regex]::Matches((Get-ReadmeSection 'The cmdlets'), '(?m)^### ([A-Z][a-z]+-[A-Za-z]+)\s*$') | ForEach-Object { $_.Groups[1].Value }
    }

    function Format-Code([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

    # A pattern matching any of the cmdlets' names, longest first (Get-BqBackupStatus before Get-BqBackup).
    function Get-CmdletPattern([string[]] $Names) {
        '\b(' + (($Names | Sort-Object Length -Descending | ForEach-Object { [regex]::Escape($_) }) -join '|') + ')\b'
    }

    # Every line of code in the help examples of a cmdlet, whitespace-normalised.
    function Get-HelpExampleLine([string] $Name) {
        @((Get-Help $Name -Full).examples.example) | ForEach-Object { $_.code -split '\r?\n' } | ForEach-Object { Format-Code $_ } | Where-Object { $_ }
    }
}

Describe 'README and help name the same cmdlets' {
    It 'every cmdlet in the README has help, and every cmdlet with help is in the README' {
        $readme = @(Get-ReadmeCmdlet | Sort-Object)
        $sources = @(Get-ChildItem (Join-Path $RepoRoot 'module/help') -Filter '*-*.md' | ForEach-Object BaseName | Sort-Object)
        $readme.Count | Should -BeGreaterThan 0
        $readme | Where-Object { $_ -notin $sources } | Should -BeNullOrEmpty -Because 'a cmdlet in the README needs module/help/<cmdlet>.md'
        $sources | Where-Object { $_ -notin $readme } | Should -BeNullOrEmpty -Because 'a cmdlet with help needs its ### section under "## The cmdlets" in the README'
    }

    It 'every exported cmdlet is in the README and has help, and nothing else is' {
        $exported = @(Get-Command -Module BqBackup | ForEach-Object Name | Sort-Object)
        $readme = @(Get-ReadmeCmdlet | Sort-Object)
        $exported -join ', ' | Should -Be ($readme -join ', ')
    }
}

Describe 'README examples are help examples' {
    It 'every example under a cmdlet''s README section is among its help examples' {
        $cmdlets = @(Get-ReadmeCmdlet)
        $section = Get-ReadmeSection 'The cmdlets'
        $missing = foreach ($name in $cmdlets) {
            $body = [regex]::Match($section, "(?ms)^### $([regex]::Escape($name))\s*`$(.*?)(?=^### |\z)").Groups[1].Value
            $examples = [regex]::Matches($body, '(?m)^ {4}(\S.*)$') | ForEach-Object { $_.Groups[1].Value } |
                Where-Object { $_ -match (Get-CmdletPattern $cmdlets) }
            $examples | Should -Not -BeNullOrEmpty -Because "the README shows examples of $name"
            $help = Get-HelpExampleLine $name
            foreach ($example in $examples) { if ((Format-Code $example) -notin $help) { "${name}: $example" } }
        }
        $missing | Should -BeNullOrEmpty -Because 'module/help/<cmdlet>.md should show each README example'
    }

    It 'every command of the runbook is among the help examples of the cmdlet it ends with' {
        $cmdlets = @(Get-ReadmeCmdlet)
        $commands = [regex]::Matches((Get-ReadmeSection 'Disaster recovery runbook'), '`([^`]+)`') | ForEach-Object { $_.Groups[1].Value } |
            Where-Object { $_ -match (Get-CmdletPattern $cmdlets) -and $_ -match '\s' }
        $commands | Should -Contain 'Get-BqBackup -Destination $dest -Latest | Restore-BqBackup -Path /var/lib/bunqueue/queue.db -WhatIf'
        $missing = foreach ($command in $commands) {
            $last = [regex]::Matches($command, (Get-CmdletPattern $cmdlets)) | Select-Object -Last 1 | ForEach-Object Value
            if ((Format-Code $command) -notin (Get-HelpExampleLine $last)) { "${last}: $command" }
        }
        $missing | Should -BeNullOrEmpty
    }

    It 'the runbook''s pipelines are in the help: Get-BqBackup -Latest | Test-BqBackup and | Restore-BqBackup -WhatIf' {
        (Get-HelpExampleLine Test-BqBackup) -match '^Get-BqBackup .*-Latest \| Test-BqBackup$' | Should -Not -BeNullOrEmpty
        (Get-HelpExampleLine Restore-BqBackup) -match '^Get-BqBackup .*-Latest \| Restore-BqBackup .*-WhatIf$' | Should -Not -BeNullOrEmpty
    }
}

Describe 'The README pipelines' {
    It 'shows the pipelines that work and names the new ErrorIds' {
        $section = Get-ReadmeSection 'Pipelines'
        $section | Should -Match ([regex]::Escape('Import-Csv hosts.csv | New-BqBackup'))
        $section | Should -Match ([regex]::Escape('| Restore-BqBackup -Path'))
        $section | Should -Match 'InputObjectIncomplete'
        $section | Should -Match 'StoreSettings'
    }

    It 'names every S3 parameter of the cmdlets in its S3 section' {
        $section = Get-ReadmeSection 'S3-compatible storage'
        foreach ($p in 'EndpointUrl', 'Region', 'AccessKey', 'SecretKey', 'Credential', 'SessionToken', 'ProfileName', 'ProfileLocation', 'ForcePathStyleAddressing', 'BucketName', 'KeyPrefix') {
            (Get-Command Get-BqBackup).Parameters.Keys | Should -Contain $p
            ($section -match ('-' + $p + '\b')) | Should -BeTrue -Because "the README's S3 section should name -$p"
        }
    }
}

Describe 'The README error table' {
    BeforeAll {
        $source = Get-Content -Raw (Join-Path $RepoRoot 'src/BqBackup.Core/ErrorIds.cs')
        $class = [regex]::Match($source, '(?s)public static class ErrorIds\s*\{(.*?)\n    \}').Groups[1].Value
        $script:ErrorIds = @([regex]::Matches($class, 'public const string (\w+) = "(\w+)";') | ForEach-Object { $_.Groups[2].Value })
        $rows = [regex]::Matches((Get-ReadmeSection 'Errors'), '(?m)^\|\s*([^|]+?)\s*\|') | ForEach-Object { $_.Groups[1].Value } |
            Where-Object { $_ -ne 'ErrorId' -and $_ -notmatch '^-+$' }
        $script:Documented = @($rows | ForEach-Object { $_ -split '\s*/\s*' } | ForEach-Object { $_.Trim() })
    }

    It 'parses the ErrorIds class of the engine' {
        $ErrorIds.Count | Should -BeGreaterThan 20
        $ErrorIds | Should -Contain 'ChecksumMismatch'
    }

    It 'documents every ErrorIds constant' {
        $ErrorIds | Where-Object { $_ -notin $Documented } | Should -BeNullOrEmpty -Because 'each ErrorId needs a row in the README''s error table'
    }

    It 'documents no ErrorId the engine does not have' {
        $Documented | Where-Object { $_ -notin $ErrorIds } | Should -BeNullOrEmpty
    }
}
