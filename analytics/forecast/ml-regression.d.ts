/** The part of ml-regression (which ships no types) that the forecaster uses. */
declare module 'ml-regression' {
  export class MultivariateLinearRegression {
    constructor(x: number[][], y: number[][], options?: { intercept?: boolean; statistics?: boolean });
    predict(x: number[]): number[];
  }
}
