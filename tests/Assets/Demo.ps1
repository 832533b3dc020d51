#Requires -Version 7.4
<#
.SYNOPSIS
    The main job of the module on the bundled data: `build.ps1 -Task Demo` runs it.
.DESCRIPTION
    Works on tests/Assets only, in clear steps that later work extends into the full optimization pipeline
    (quantize, compare float and quantized, export):

      1. Import the bundled float model and show its summary.
      2. Show its layers and the tensors a user asks about first (inputs and outputs).
      3. Export it to a temporary folder (atomic write), and show that a second export without -Force is refused.
      4. Re-import the export and show that every field of the graph is equal.
      5. Print the sizes.

    Exits non-zero when a step fails.
.PARAMETER ModulePath
    The manifest of the built module, e.g. out/ModelOptimization/ModelOptimization.psd1.
.PARAMETER Model
    The model to work on; the bundled MNIST CNN by default.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [string] $Model = (Join-Path $PSScriptRoot 'conv_fc_mnist_float.tflite')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath -Force

$script:stepNumber = 0
function Write-Step {
    # A numbered heading, so the output reads as the steps above.
    param([string] $Title)
    $script:stepNumber++
    Write-Host ''
    Write-Host ("== {0}. {1}" -f $script:stepNumber, $Title) -ForegroundColor Cyan
}

function Show {
    # Formats objects with their default view, as the console would show them.
    param([Parameter(ValueFromPipeline)] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { Write-Host ($items | Out-String -Width 160).TrimEnd() }
}

function Format-Bytes {
    param([long] $Bytes)
    if ($Bytes -ge 1MB) { '{0:N2} MB ({1:N0} bytes)' -f ($Bytes / 1MB), $Bytes }
    elseif ($Bytes -ge 1KB) { '{0:N1} KB ({1:N0} bytes)' -f ($Bytes / 1KB), $Bytes }
    else { '{0:N0} bytes' -f $Bytes }
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("ModelOptimization.Demo." + [guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $work
try {
    Write-Step "Import the float model ($([System.IO.Path]::GetFileName($Model)))"
    $float = Import-Model -LiteralPath $Model
    $float | Show

    Write-Step 'Its layers, and its inputs and outputs'
    $float | Get-ModelLayer | Show
    $float | Get-ModelTensor | Where-Object { $_.IsInput -or $_.IsOutput } | Show

    Write-Step 'Export it to a temporary folder'
    $exportPath = Join-Path $work "$($float.Name).tflite"
    $file = $float | Export-Model -Path $exportPath -PassThru
    Write-Host "Wrote $($file.FullName)"
    $float | Export-Model -Path $exportPath -ErrorAction SilentlyContinue -ErrorVariable refused
    if (-not $refused) { throw 'A second export without -Force should have been refused.' }
    Write-Host "A second export without -Force is refused: $($refused[0].FullyQualifiedErrorId)"

    Write-Step 'Re-import the export and compare every field'
    $roundTrip = Import-Model -LiteralPath $exportPath
    $roundTrip | Show
    $difference = [ModelOptimization.Core.Graph.ModelComparer]::FindFirstDifference($float, $roundTrip)
    if ($null -ne $difference) { throw "The re-imported model differs from the original: $difference" }
    $layers = @($roundTrip | Get-ModelLayer).Count
    $tensors = @($roundTrip | Get-ModelTensor).Count
    Write-Host "Equal: every field of the graph ($layers layers, $tensors tensors, $($roundTrip.Buffers.Count) buffers) matches the original."

    Write-Step 'Sizes'
    @(
        [pscustomobject]@{ Model = 'original'; Size = Format-Bytes (Get-Item -LiteralPath $Model).Length; Parameters = '{0:N0}' -f $float.ParameterCount; Path = $Model }
        [pscustomobject]@{ Model = 'exported'; Size = Format-Bytes $file.Length; Parameters = '{0:N0}' -f $roundTrip.ParameterCount; Path = $file.FullName }
    ) | Show
    # Next steps (later work): quantize (dynamic range, full integer), compare float and quantized layer by layer,
    # evaluate on data/mnist10k, export the quantized model and compare sizes and accuracy.

    # ---------------------------------------------------------------------------------------------------------
    # Quantization: calibrate on the bundled digits, quantize to int8, keep one layer float, export, and compare
    # size and accuracy before and after.
    # ---------------------------------------------------------------------------------------------------------
    Write-Step 'Calibrate on the bundled MNIST digits (activation ranges of the float model)'
    $digitsPath = Join-Path $PSScriptRoot 'mnist-first100-images-idx3-ubyte.gz'
    $digits = Import-Dataset -LiteralPath $digitsPath -Scale (1 / 255) -Shape 1, 28, 28, 1
    $stats = $float | Get-CalibrationStatistics $digits
    $stats | Show
    $stats.Tensors | Show

    Write-Step 'Quantize to full integer (int8 weights and activations, int32 biases)'
    $int8 = $float | Invoke-Quantization -Mode FullInteger -CalibrationStatistics $stats
    $int8 | Show
    $int8.QuantizationReport | Show

    Write-Step 'Exclude a layer (the softmax stays float) and quantize again'
    $selective = Import-Model -LiteralPath $Model
    $selective | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact probabilities'
    $selective | Get-ModelLayer | Show
    $int8Selective = $selective | Invoke-Quantization -Mode FullInteger -CalibrationStatistics $stats
    $int8Selective.QuantizationReport | Show
    $recipe = $selective | Export-QuantizationRecipe -Path (Join-Path $work 'mnist-recipe.json') -PassThru
    Write-Host "The plan is saved as a recipe: $($recipe.FullName)"

    Write-Step 'Export the quantized models'
    $int8File = $int8 | Export-Model -Path (Join-Path $work 'mnist_int8.tflite') -PassThru
    $selectiveFile = $int8Selective | Export-Model -Path (Join-Path $work 'mnist_int8_float_softmax.tflite') -PassThru
    $int8File, $selectiveFile | ForEach-Object { Write-Host "Wrote $($_.FullName)" }

    Write-Step 'Size and accuracy before and after (the 100 bundled digits, in the interpreter)'
    $floatSize = (Get-Item -LiteralPath $Model).Length
    $rows = foreach ($entry in @(
            @{ Name = 'float'; Model = $float; Size = $floatSize }
            @{ Name = 'int8'; Model = (Import-Model -LiteralPath $int8File.FullName); Size = $int8File.Length }
            @{ Name = 'int8, float softmax'; Model = (Import-Model -LiteralPath $selectiveFile.FullName); Size = $selectiveFile.Length }
        )) {
        $results = @($entry.Model | Invoke-Model -Input $digits)
        $correct = @($results | Where-Object { $_.Label -eq $_.Predicted }).Count
        [pscustomobject]@{
            Model    = $entry.Name
            Size     = Format-Bytes $entry.Size
            Smaller  = '{0:N2}x' -f ($floatSize / $entry.Size)
            Accuracy = '{0:N1} % ({1} of {2})' -f (100.0 * $correct / $results.Count), $correct, $results.Count
            Weights  = $entry.Model.QuantizationSummary
        }
    }
    $rows | Show
    if (($rows | Where-Object Model -EQ 'int8').Accuracy -notmatch '^(9\d|100)') { throw 'The int8 model lost too much accuracy on the bundled digits.' }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
Write-Host ''
Write-Host 'Demo completed.' -ForegroundColor Green
