// Predict before you verify: the learner's answers to the lessons' `predict:` questions.
export * from './model.js';
export { predictMessages, type PredictMessages } from './messages.js';
